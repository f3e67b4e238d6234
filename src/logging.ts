import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Structured logs to stderr: stdout belongs to the CLI's output and to MCP's stdio protocol. */
export function createLogger(level = 'warn'): Logger {
  return pino({ name: 'tmws-patterns', level }, pino.destination({ fd: 2, sync: true }));
}
