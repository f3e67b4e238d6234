import type { Writable } from 'node:stream';
import { Option, type Command } from 'commander';
import { resolveConfig, servingEnvironment } from '../config.js';
import { HTTP_DEFAULTS } from '../http/defaults.js';
import { createLogger } from '../logging.js';
import { ROLES, type Role } from '../patterns/definition.js';
import { serverTimeZone } from '../time/resolve-window.js';
import { packageVersion, type CliContext } from './context.js';
import { keepOldGenerationReserveSmall } from './heap-flags.js';

/** Long enough for the client's handshake to be answered first. */
const WARM_AFTER_MS = 20;

/** How long requests in flight may take to finish once stdin has closed or a signal came. */
const DRAIN_TIMEOUT_MS = 5_000;

interface McpOptions {
  role: Role;
  rateLimit?: string;
}

export function registerMcpCommand(program: Command, cli: CliContext): void {
  program
    .command('mcp')
    .description('serve MCP over stdio for a local agent (stdout is the protocol; logs go to stderr)')
    .addOption(new Option('--role <role>', 'role of the local agent').choices(ROLES).default('admin'))
    .option('--rate-limit <n/s>', 'per-agent budget, e.g. 600/60 (default: none)')
    .action(async (options: McpOptions) => {
      keepOldGenerationReserveSmall();
      // Loaded here, not at the top: every other command starts without the MCP SDK.
      const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
      const { createGateway } = await import('../gateway/create-gateway.js');
      const { createMcpServer } = await import('../mcp/server.js');
      const { DrainingTransport } = await import('../mcp/draining-transport.js');
      const { parseRateLimit } = await import('../security/rate-limiter.js');
      const { parseRetentionDays } = await import('../security/audit-retention.js');
      const env = servingEnvironment();
      const auditRetentionDays =
        env.auditRetentionDays === undefined ? undefined : parseRetentionDays(env.auditRetentionDays);
      const { namespace, agent } = cli.globals();
      const logger = createLogger(resolveConfig({}).logLevel);
      const engine = await cli.openEngine({ logger });
      const gateway = await createGateway({
        engine,
        rateLimit: options.rateLimit === undefined ? null : parseRateLimit(options.rateLimit),
        redisUrl: env.redisUrl,
        ...(auditRetentionDays !== undefined && { auditRetentionDays }),
        logger,
      });
      const server = createMcpServer({
        gateway,
        caller: { principal: { agentId: agent, namespace, role: options.role, credential: 'local' }, surface: 'mcp' },
        version: await packageVersion(),
        logger,
      });
      const stdin = cli.io.stdin ?? process.stdin;
      // A message larger than an HTTP body may be ends the session instead of growing the buffer without bound.
      // The transport only calls write() and once('drain'), which every CLI output stream has.
      const stdout = cli.io.stdout as Writable;
      const transport = new DrainingTransport(
        new StdioServerTransport(stdin, stdout, { maxBufferSize: HTTP_DEFAULTS.bodyLimit }),
      );
      const closed = new Promise<void>((resolve) => (server.onclose = resolve));
      // Requests already read are answered (and audited) before the store closes, within a bound.
      let stopping: Promise<void> | undefined;
      const stop = (): void => {
        stopping ??= transport.drained(DRAIN_TIMEOUT_MS).then((drained) => {
          if (!drained) logger.warn({ inFlight: transport.inFlight }, 'closing with requests still unanswered');
          return transport.close();
        });
      };
      stdin.once('end', stop);
      process.once('SIGINT', stop).once('SIGTERM', stop);
      await server.connect(transport);
      // The agent's first searches would load the in-process indexes (vectors, full text), and
      // its first request the time-zone data every request reads (25-70 ms here): done now instead.
      setTimeout(() => {
        serverTimeZone();
        void engine.warmMemories(namespace);
      }, WARM_AFTER_MS).unref();
      await closed;
      process.off('SIGINT', stop).off('SIGTERM', stop);
      await gateway.close();
    });
}
