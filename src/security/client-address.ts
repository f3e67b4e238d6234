/**
 * @module security/client-address
 * Who a failed authentication is charged to. The address is the one Fastify finds: the TCP
 * peer's, or, when the peer is a trusted proxy (`--trust-proxy`), the client it names in
 * X-Forwarded-For (resolved by Fastify's `trustProxy`, i.e. proxy-addr). IPv6 clients are
 * grouped by their /64: a host usually holds a whole /64 (SLAAC, rotating privacy
 * addresses), so counting each address apart would give one client 2^64 budgets.
 */
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { ValidationError } from '../errors.js';

/** Names proxy-addr understands for the usual private ranges. */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** The key a client's failures are counted under: its IPv4 address, or its IPv6 /64 (`2001:db8:1:2::/64`). */
export function clientKey(address: string | undefined): string {
  if (address === undefined || !ipaddr.isValid(address)) return address ?? 'unknown';
  const parsed = ipaddr.process(address); // an IPv4-mapped IPv6 address is its IPv4 one
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const [a, b, c, d] = (parsed as ipaddr.IPv6).parts;
  return `${new ipaddr.IPv6([a!, b!, c!, d!, 0, 0, 0, 0]).toString()}/64`;
}

/**
 * Reads the proxies whose X-Forwarded-For is believed: addresses and CIDR ranges separated by
 * commas (`10.0.0.1, 10.1.0.0/16, ::1`), or `loopback`, `linklocal`, `uniquelocal`. Throws a
 * ValidationError naming the first entry that is none of these.
 */
export function parseTrustedProxies(text: string | readonly string[]): string[] {
  const entries = (typeof text === 'string' ? text.split(',') : text).map((e) => e.trim()).filter((e) => e !== '');
  for (const entry of entries) {
    const [address, bits] = entry.split('/');
    const valid =
      RANGE_NAMES.has(entry) ||
      isIP(entry) !== 0 ||
      (bits !== undefined && isIP(address!) !== 0 && ipaddr.isValidCIDR(entry));
    if (!valid) {
      throw new ValidationError(
        `trust proxy: '${entry}' is not an IP address, a CIDR range (10.0.0.0/8) or one of ${[...RANGE_NAMES].join(', ')}`,
      );
    }
  }
  return entries;
}
