import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { InvalidArgumentError, type Command } from 'commander';
import { resolveConfig, servingEnvironment } from '../config.js';
import { HTTP_DEFAULTS } from '../http/defaults.js';
import { DEFAULT_AGENT_CONCURRENCY, parseConcurrencyLimit } from '../security/agent-concurrency.js';
import { DEFAULT_AUDIT_RETENTION_DAYS, parseRetentionDays } from '../security/audit-retention.js';
import { createLogger } from '../logging.js';
import { authConfigured, loadAuthSettings } from '../security/auth-config.js';
import { packageVersion, type CliContext } from './context.js';
import { keepOldGenerationReserveSmall } from './heap-flags.js';

interface ServeOptions {
  host: string;
  port: number;
  authFile?: string;
  rateLimit?: string;
  maxPatternsPerAgent?: number;
  bodyLimit?: number;
  authFailureLimit?: string;
  trustProxy?: string;
  auditRetention?: string;
  agentConcurrency?: string;
  headersTimeout?: number;
  requestTimeout?: number;
}

export function registerServeCommand(program: Command, cli: CliContext): void {
  program
    .command('serve')
    .description('serve the HTTP API and MCP (Streamable HTTP at /mcp) until SIGINT/SIGTERM')
    .option('--host <address>', 'address to listen on; non-loopback needs authentication configured', '127.0.0.1')
    .option('--port <number>', 'port to listen on (0: any free port)', parsePort, 8000)
    .option('--auth-file <path>', 'YAML/JSON with api_keys (hashed) and jwt settings (default: TMWS_AUTH_FILE)')
    .option('--rate-limit <n/s>', 'per-agent budget, e.g. 1200/60; 0 for none (default: TMWS_RATE_LIMIT, else 1200/60)')
    .option('--max-patterns-per-agent <n>', 'patterns one agent may register through the API', parseCount)
    .option('--body-limit <bytes>', `largest request body (default ${HTTP_DEFAULTS.bodyLimit})`, parseCount)
    .option(
      '--auth-failure-limit <n/s>',
      `failed authentications per client address before 429, e.g. 20/60; 0 for none (default ${limitText(HTTP_DEFAULTS.authFailureLimit)})`,
    )
    .option(
      '--trust-proxy <addresses>',
      "proxies whose X-Forwarded-For names the client: IPs and CIDRs, comma-separated, or 'loopback' (default: TMWS_TRUST_PROXY, else none)",
    )
    .option(
      '--agent-concurrency <running/waiting>',
      `operations one agent may have running/waiting at once, beyond them 429; 0 for no cap (default ${DEFAULT_AGENT_CONCURRENCY.running}/${DEFAULT_AGENT_CONCURRENCY.waiting})`,
    )
    .option(
      '--audit-retention <days>',
      `days audit entries are kept, pruned hourly; 0 keeps them all (default: TMWS_AUDIT_RETENTION_DAYS, else ${DEFAULT_AUDIT_RETENTION_DAYS})`,
    )
    .option(
      '--headers-timeout <seconds>',
      `408 for a client whose headers take longer (default ${HTTP_DEFAULTS.headersTimeoutMs / 1000})`,
      parseCount,
    )
    .option(
      '--request-timeout <seconds>',
      `408 for a client whose whole request takes longer (default ${HTTP_DEFAULTS.requestTimeoutMs / 1000})`,
      parseCount,
    )
    .action(async (options: ServeOptions) => {
      keepOldGenerationReserveSmall();
      // Loaded here, not at the top: every other command starts without Fastify and the MCP SDK.
      const { checkBinding, createHttpService } = await import('../http/server.js');
      const { parseRateLimit } = await import('../security/rate-limiter.js');
      const env = servingEnvironment();
      const auth = await loadAuthSettings(env, options.authFile);
      checkBinding(options.host, authConfigured(auth));
      const rateText = options.rateLimit ?? env.rateLimit;
      const { parseTrustedProxies } = await import('../security/client-address.js');
      const trustProxy = parseTrustedProxies(options.trustProxy ?? env.trustProxy ?? '');
      const retentionText = options.auditRetention ?? env.auditRetentionDays;
      const auditRetentionDays = retentionText === undefined ? undefined : parseRetentionDays(retentionText);
      const agentConcurrency =
        options.agentConcurrency === undefined ? undefined : parseConcurrencyLimit(options.agentConcurrency);
      const { namespace, agent } = cli.globals();
      const engine = await cli.openEngine();
      const app = await createHttpService({
        engine,
        auth,
        anonymous: { agentId: agent, namespace, role: 'admin', credential: 'local' },
        ...(rateText !== undefined && { rateLimit: parseRateLimit(rateText) }),
        redisUrl: env.redisUrl,
        ...(options.maxPatternsPerAgent !== undefined && { maxPatternsPerAgent: options.maxPatternsPerAgent }),
        ...(options.bodyLimit !== undefined && { bodyLimit: options.bodyLimit }),
        ...(options.authFailureLimit !== undefined && { authFailureLimit: parseRateLimit(options.authFailureLimit) }),
        trustProxy,
        ...(auditRetentionDays !== undefined && { auditRetentionDays }),
        ...(agentConcurrency !== undefined && { agentConcurrency }),
        ...(options.headersTimeout !== undefined && { headersTimeoutMs: options.headersTimeout * 1000 }),
        ...(options.requestTimeout !== undefined && { requestTimeoutMs: options.requestTimeout * 1000 }),
        logger: createLogger(resolveConfig({}).logLevel),
        version: await packageVersion(),
      });
      await app.listen({ host: options.host, port: options.port });
      // The socket's own address (0.0.0.0 when bound to every interface), not a name Fastify picked for it.
      const address = boundAddress(app.server.address());
      const mode = authConfigured(auth)
        ? 'authentication required'
        : `no authentication: every request acts as agent '${agent}' in '${namespace}'`;
      cli.io.stdout.write(`listening on ${address} (${mode})\n`);
      const signal = await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
      cli.io.stderr.write(`${String(signal[0] ?? 'signal')}: closing\n`);
      await app.close();
    });
}

function boundAddress(bound: string | AddressInfo | null): string {
  if (bound === null || typeof bound === 'string') return String(bound);
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return `http://${host}:${bound.port}`;
}

function limitText(limit: { requests: number; perSeconds: number }): string {
  return `${limit.requests}/${limit.perSeconds}`;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new InvalidArgumentError('expected a port from 0 to 65535');
  return port;
}

export function parseCount(value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1) throw new InvalidArgumentError('expected a positive integer');
  return count;
}
