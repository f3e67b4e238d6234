import { describe, expect, it } from 'vitest';
import { clientKey, parseTrustedProxies } from '../../src/security/client-address.js';
import { apiKeysFor, call, startTestServer, type TestServer } from '../helpers/server.js';

const agent = { agentId: 'artemis', namespace: 'lab', role: 'agent' } as const;
const GUESS = 'tmws_guessed-key-Q8vX2mN7pL4rT9wZ';
const LIMIT = { requests: 3, perSeconds: 60 };

/** A request as it arrives from `peer` (the TCP address), optionally naming a client in X-Forwarded-For. */
async function statsFrom(app: TestServer['app'], peer: string, token: string, forwardedFor?: string): Promise<number> {
  const response = await app.inject({
    url: '/api/v1/pattern/stats',
    remoteAddress: peer,
    headers: {
      authorization: `Bearer ${token}`,
      ...(forwardedFor !== undefined && { 'x-forwarded-for': forwardedFor }),
    },
  });
  return response.statusCode;
}

async function fail(app: TestServer['app'], peer: string, times: number, forwardedFor?: string): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < times; i++) statuses.push(await statsFrom(app, peer, GUESS, forwardedFor));
  return statuses;
}

describe('--trust-proxy', () => {
  it('charges failed logins to the client a named proxy forwards, so one client cannot lock out the others behind it', async () => {
    const { auth, keys } = apiKeysFor([agent]);
    const { app, engine } = await startTestServer({ auth, authFailureLimit: LIMIT, trustProxy: ['10.0.0.0/8'] });
    const key = keys['artemis']!;
    expect(await fail(app, '10.1.2.3', 4, '203.0.113.5')).toEqual([401, 401, 401, 429]);
    // The guesser is blocked, even with the right key…
    expect(await statsFrom(app, '10.1.2.3', key, '203.0.113.5')).toBe(429);
    // …but not the other clients behind the same proxy, nor another proxy of the range.
    expect(await statsFrom(app, '10.1.2.3', key, '203.0.113.9')).toBe(200);
    expect(await statsFrom(app, '10.7.7.7', key, '198.51.100.1, 203.0.113.77')).toBe(200);
    // Behind two proxies, the client is the last address no trusted proxy vouches for.
    expect(await statsFrom(app, '10.1.2.3', key, '203.0.113.5, 10.4.4.4')).toBe(429);
    await app.close();
    const audit = await engine.auditTrail().query({ operation: 'auth.failure', limit: 10 });
    expect(new Set(audit.map((e) => e.target))).toEqual(new Set(['203.0.113.5']));
  });

  it('ignores X-Forwarded-For from any peer it does not name: a spoofed header changes nothing', async () => {
    const { auth, keys } = apiKeysFor([agent]);
    const { app, base } = await startTestServer({ auth, authFailureLimit: LIMIT, trustProxy: ['10.0.0.1'] });
    // From an untrusted peer, each guess claims another client; all are charged to the peer.
    const spoofed = [];
    for (let i = 0; i < 4; i++) spoofed.push(await statsFrom(app, '192.0.2.50', GUESS, `198.51.100.${i}`));
    expect(spoofed).toEqual([401, 401, 401, 429]);
    expect(await statsFrom(app, '192.0.2.50', keys['artemis']!, '198.51.100.200')).toBe(429);
    // A real socket from 127.0.0.1, not named either: the header is ignored there too.
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      const response = await call(base, '/api/v1/pattern/stats', {
        token: GUESS,
        headers: { 'x-forwarded-for': `203.0.113.${i}` },
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    const blocked = await call(base, '/api/v1/pattern/stats', {
      token: keys['artemis']!,
      headers: { 'x-forwarded-for': '203.0.113.99' },
    });
    expect(blocked.status).toBe(429);
  });

  it('is off by default: X-Forwarded-For is never believed', async () => {
    const { auth, keys } = apiKeysFor([agent]);
    const { app } = await startTestServer({ auth, authFailureLimit: LIMIT });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push(await statsFrom(app, '10.0.0.1', GUESS, `203.0.113.${i}`));
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect(await statsFrom(app, '10.0.0.1', keys['artemis']!, '203.0.113.200')).toBe(429);
  });

  it('refuses an entry that is not an address, a CIDR range or a known range name', async () => {
    expect(parseTrustedProxies(' 10.0.0.1, 10.0.0.0/8,::1, 2001:db8::/32,loopback ')).toEqual([
      '10.0.0.1',
      '10.0.0.0/8',
      '::1',
      '2001:db8::/32',
      'loopback',
    ]);
    for (const bad of ['10.0.0.0/40', 'proxy.internal', '10', '10.0.0.1/', '*']) {
      expect(() => parseTrustedProxies(bad), bad).toThrow(
        `trust proxy: '${bad}' is not an IP address, a CIDR range (10.0.0.0/8) or one of loopback, linklocal, uniquelocal`,
      );
    }
    await expect(startTestServer({ trustProxy: ['10.0.0.0/33'] })).rejects.toThrow(/'10\.0\.0\.0\/33'/);
  });
});

describe('IPv6 clients', () => {
  it('are grouped by /64, whether they connect directly or through a trusted proxy', async () => {
    const { auth, keys } = apiKeysFor([agent]);
    const { app } = await startTestServer({ auth, authFailureLimit: LIMIT, trustProxy: ['fd00::/8'] });
    const key = keys['artemis']!;
    // Three addresses of one /64 (a host rotating privacy addresses) share one budget.
    expect(await fail(app, '2001:db8:1:2::10', 1)).toEqual([401]);
    expect(await fail(app, '2001:db8:1:2:aaaa:bbbb:cccc:dddd', 1)).toEqual([401]);
    expect(await fail(app, '2001:db8:1:2::ffff', 2)).toEqual([401, 429]);
    expect(await statsFrom(app, '2001:db8:1:2::1234', key)).toBe(429);
    // The next /64 is another client.
    expect(await statsFrom(app, '2001:db8:1:3::1', key)).toBe(200);
    // Forwarded by a trusted proxy, the same grouping applies to the client it names.
    expect(await fail(app, 'fd00::1', 4, '2001:db8:9:9::1')).toEqual([401, 401, 401, 429]);
    expect(await statsFrom(app, 'fd00::2', key, '2001:db8:9:9:ffff::2')).toBe(429);
    expect(await statsFrom(app, 'fd00::2', key, '2001:db8:9:a::2')).toBe(200);
  });

  it('keys: an IPv4 address as itself (mapped or not), an IPv6 one as its /64', () => {
    expect(clientKey('203.0.113.5')).toBe('203.0.113.5');
    expect(clientKey('::ffff:203.0.113.5')).toBe('203.0.113.5');
    expect(clientKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:0db8:0001:0002::')).toBe('2001:db8:1:2::/64');
    expect(clientKey('::1')).toBe('::/64');
  });
});
