import type { Logger } from 'pino';
import type { PatternExecutionEngine } from '../execution/engine.js';
import { AgentConcurrency, DEFAULT_AGENT_CONCURRENCY, type ConcurrencyLimit } from '../security/agent-concurrency.js';
import { AuditRecorder } from '../security/audit-recorder.js';
import { AuditRetention, DEFAULT_AUDIT_RETENTION_DAYS } from '../security/audit-retention.js';
import { BudgetStore } from '../security/budget-store.js';
import { AgentRateLimiter, type RateLimit } from '../security/rate-limiter.js';
import { AgentGateway, type ExecutionObserver } from './agent-gateway.js';

export interface CreateGatewayOptions {
  engine: PatternExecutionEngine;
  /** Per-agent budget; null = unlimited. */
  rateLimit: RateLimit | null;
  /** Shares rate-limit budgets through Redis when set (and `budgets` is not given). */
  redisUrl?: string | undefined;
  /** Where budgets live, when the caller shares it (the HTTP server's failed-auth throttle does); closed with the gateway. */
  budgets?: BudgetStore | undefined;
  /** @default 'tmws:rl' */
  rateLimitKeyPrefix?: string | undefined;
  maxPatternsPerAgent?: number | undefined;
  observer?: ExecutionObserver | undefined;
  /** Days audit entries are kept (pruned at start, then hourly); 0 keeps them all. @default 90 */
  auditRetentionDays?: number | undefined;
  /** Operations one agent may have running, and waiting, at once; null = no cap. @default 4 running, 256 waiting */
  agentConcurrency?: ConcurrencyLimit | null | undefined;
  logger: Logger;
}

/**
 * Wires the gateway's parts: rate limiter (in process, or Redis once connected), the
 * per-agent concurrency cap, audit recorder on the engine's audit log, and its retention.
 */
export async function createGateway(options: CreateGatewayOptions): Promise<AgentGateway> {
  const { engine, logger } = options;
  const auditLog = engine.auditTrail();
  // Checked before anything is opened.
  const limit = options.agentConcurrency === undefined ? DEFAULT_AGENT_CONCURRENCY : options.agentConcurrency;
  const concurrency = limit === null ? undefined : new AgentConcurrency(limit);
  const retention = new AuditRetention({
    log: auditLog,
    days: options.auditRetentionDays ?? DEFAULT_AUDIT_RETENTION_DAYS,
    logger,
  });
  const budgets =
    options.budgets ??
    (await BudgetStore.open({
      redisUrl: options.redisUrl,
      ...(options.rateLimitKeyPrefix !== undefined && { keyPrefix: options.rateLimitKeyPrefix }),
      logger,
    }));
  await budgets.connect();
  const rateLimiter = new AgentRateLimiter({ perAgent: options.rateLimit, store: budgets, logger });
  retention.start();
  return new AgentGateway({
    engine,
    rateLimiter,
    audit: new AuditRecorder(auditLog, logger),
    retention,
    ...(concurrency && { concurrency }),
    ...(options.maxPatternsPerAgent !== undefined && { maxPatternsPerAgent: options.maxPatternsPerAgent }),
    ...(options.observer !== undefined && { observer: options.observer }),
  });
}
