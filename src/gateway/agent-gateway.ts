/**
 * @module gateway/agent-gateway
 * The operations HTTP and MCP offer, one per capability, each guarded the same way: role
 * check, rate limit, the engine call, audit. An execution is planned by the engine,
 * authorized here (the pattern's role and budget), then run. The edges only parse,
 * authenticate and map wire formats and errors, so the two surfaces cannot drift apart.
 */
import type { z } from 'zod';
import { QuotaExceededError, StoreUnavailableError, toServiceError, type PatternServiceError } from '../errors.js';
import type { PatternExecutionEngine } from '../execution/engine.js';
import type { RunPlan } from '../execution/planner.js';
import type { ExecutionResult } from '../execution/result.js';
import type { AuditEntry, AuditQuery, AuditRecord } from '../memory/audit-log.js';
import type { PatternDefinition } from '../patterns/definition.js';
import type { AuditRecorder } from '../security/audit-recorder.js';
import type { AuditRetention } from '../security/audit-retention.js';
import type { AgentConcurrency } from '../security/agent-concurrency.js';
import type { AgentRateLimiter } from '../security/rate-limiter.js';
import { assertRole } from '../security/roles.js';
import {
  OPERATIONS,
  type Caller,
  type ExecuteInput,
  type ExecutionObserver,
  type OfferedOperation,
  type Operation,
} from './operations.js';
import { scopeContext } from './scoped-context.js';

export type { Caller, CallerStats, ExecuteInput, ExecutionObserver, Surface } from './operations.js';

export interface GatewayOptions {
  engine: PatternExecutionEngine;
  rateLimiter: AgentRateLimiter;
  audit: AuditRecorder;
  /** Patterns one agent may hold registered through HTTP/MCP at a time. @default 50 */
  maxPatternsPerAgent?: number;
  observer?: ExecutionObserver;
  /** Prunes the audit log past its retention; stopped by close(). */
  retention?: AuditRetention;
  /** Caps each agent's operations under way, so one agent's flood cannot starve the others. */
  concurrency?: AgentConcurrency;
}

/** Refusals, which cost nothing and can come by the thousand a second: counted, not written one by one. */
const TALLIED_REFUSALS: ReadonlySet<string> = new Set(['RATE_LIMITED', 'FORBIDDEN']);

/** What an operation reports to the audit trail besides its outcome. */
interface AuditSubject {
  pattern: string | null;
  target: string | null;
}

export const DEFAULT_MAX_PATTERNS_PER_AGENT = 50;

export class AgentGateway {
  readonly #engine: PatternExecutionEngine;
  readonly #limiter: AgentRateLimiter;
  readonly #audit: AuditRecorder;
  readonly #maxPatternsPerAgent: number;
  readonly #observer: ExecutionObserver | undefined;
  readonly #retention: AuditRetention | undefined;
  readonly #concurrency: AgentConcurrency | undefined;
  /** Pattern name → the agent that registered it through the API, for the per-agent quota. */
  readonly #registeredBy = new Map<string, string>();

  constructor(options: GatewayOptions) {
    this.#engine = options.engine;
    this.#limiter = options.rateLimiter;
    this.#audit = options.audit;
    this.#maxPatternsPerAgent = options.maxPatternsPerAgent ?? DEFAULT_MAX_PATTERNS_PER_AGENT;
    this.#observer = options.observer;
    this.#retention = options.retention;
    this.#concurrency = options.concurrency;
  }

  /**
   * Runs a query as the caller: the engine plans it, the pattern it would run must allow
   * the caller's role and have budget left, then the engine runs it. A failed action comes
   * back as `success: false`, as from the engine.
   */
  async execute(caller: Caller, input: ExecuteInput): Promise<ExecutionResult> {
    const subject = noSubject();
    const started = performance.now();
    try {
      const result = await this.#guard(caller, OPERATIONS.execute, subject, async () => {
        const plan = this.#engine.plan(input.query, {
          ...(input.mode !== undefined && { executionMode: input.mode }),
          ...(input.useCache !== undefined && { useCache: input.useCache }),
          context: scopeContext(input.context, caller.principal) as Record<string, unknown>,
        });
        if (plan.status === 'run') await this.#authorize(caller, plan, subject);
        return this.#engine.run(plan);
      });
      this.#observer?.executed({ result });
      return result;
    } catch (error) {
      this.#observer?.executed({ error: toServiceError(error), durationMs: performance.now() - started });
      throw error;
    }
  }

  /** Server-wide figures (Prometheus metrics) are for admins only: they count every namespace. */
  metrics<T>(caller: Caller, render: () => Promise<T>): Promise<T> {
    return this.#guard(caller, OPERATIONS.metrics, noSubject(), render);
  }

  /** Runs an offered operation (see memory-operation-table.ts) as the caller, guarded like every other. */
  invoke<I extends z.ZodType, O extends z.ZodType>(
    caller: Caller,
    operation: OfferedOperation<I, O>,
    input: z.output<I>,
  ): Promise<z.output<O>> {
    const subject: AuditSubject = { pattern: null, target: operation.target?.(input) ?? null };
    return this.#guard(caller, operation, subject, async () => {
      const output = await operation.run(this.#engine, caller, input);
      subject.target = operation.target?.(input, output) ?? subject.target;
      return output;
    });
  }

  /**
   * Admin only; each agent may hold at most `maxPatternsPerAgent` API-registered patterns.
   * A registration whose audit row cannot be written is undone: refused, it changes nothing.
   */
  registerPattern(caller: Caller, config: unknown, replace = false): Promise<PatternDefinition> {
    const name = (config as { name?: unknown } | null)?.name;
    const subject: AuditSubject = { pattern: typeof name === 'string' ? name.slice(0, 64) : null, target: null };
    return this.#undoable(caller, OPERATIONS.registerPattern, subject, (undo) => {
      const owner = ownerOf(caller);
      const held = [...this.#registeredBy].filter(([n, o]) => o === owner && n !== name).length;
      if (held >= this.#maxPatternsPerAgent) {
        throw new QuotaExceededError(
          `Agent '${caller.principal.agentId}' already holds ${held} registered patterns, the most allowed (${this.#maxPatternsPerAgent}); delete one first`,
          { details: { limit: this.#maxPatternsPerAgent } },
        );
      }
      const previous =
        typeof name === 'string' ? this.#engine.listPatterns().patterns.find((p) => p.name === name) : undefined;
      const previousOwner = typeof name === 'string' ? this.#registeredBy.get(name) : undefined;
      const pattern = this.#engine.registerPattern(config, { replace });
      this.#registeredBy.set(pattern.name, owner);
      undo.push(() => {
        if (previous) this.#engine.registerPattern(previous, { replace: true });
        else this.#engine.unregisterPattern(pattern.name);
        if (previousOwner === undefined) this.#registeredBy.delete(pattern.name);
        else this.#registeredBy.set(pattern.name, previousOwner);
      });
      return pattern;
    });
  }

  /** Admin only; undone, like a registration, when its audit row cannot be written. */
  deletePattern(caller: Caller, name: string): Promise<PatternDefinition> {
    const subject = { pattern: String(name).slice(0, 64), target: null };
    return this.#undoable(caller, OPERATIONS.deletePattern, subject, (undo) => {
      const owner = this.#registeredBy.get(name);
      const removed = this.#engine.unregisterPattern(name);
      this.#registeredBy.delete(removed.name);
      undo.push(() => {
        this.#engine.registerPattern(removed);
        if (owner !== undefined) this.#registeredBy.set(removed.name, owner);
      });
      return removed;
    });
  }

  queryAudit(caller: Caller, query: AuditQuery): Promise<AuditRecord[]> {
    return this.#guard(caller, OPERATIONS.queryAudit, noSubject(), () => this.#audit.query(query));
  }

  /** Writes pending audit entries and releases the rate limiter's connection; the engine stays open. */
  async close(): Promise<void> {
    await this.#retention?.stop();
    await this.#audit.flush();
    await this.#limiter.close();
  }

  /** The plan's pattern must allow the caller's role and have budget left; a refusal is accounted by the engine. */
  async #authorize(caller: Caller, plan: RunPlan, subject: AuditSubject): Promise<void> {
    subject.pattern = plan.pattern.name;
    try {
      assertRole(caller.principal, plan.requiredRole, `Pattern '${plan.pattern.name}'`);
      await this.#limiter.consumePattern(plan.pattern, caller.principal);
    } catch (error) {
      throw this.#engine.refuse(plan, error);
    }
  }

  /**
   * A guarded change to the pattern registry (process state, not the store): if anything
   * fails after it was made (its audit row could not be written), the steps it left in
   * `undo` restore the registry as it was.
   */
  async #undoable<T>(
    caller: Caller,
    operation: Operation,
    subject: AuditSubject,
    change: (undo: Array<() => void>) => T,
  ): Promise<T> {
    const undo: Array<() => void> = [];
    try {
      return await this.#guard(caller, operation, subject, async () => change(undo));
    } catch (error) {
      for (const step of undo.reverse()) step();
      throw error;
    }
  }

  async #guard<T>(caller: Caller, operation: Operation, subject: AuditSubject, run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const guarded = async (): Promise<T> => {
      await this.#limiter.consumeAgent(caller.principal);
      const value = await run();
      if (operation.audited) {
        const failed = isFailedExecution(value) ? value.errorCode : null;
        // Acknowledged only once its audit row is committed: no answer without its row, even after a crash.
        await this.#record(caller, operation, subject, started, failed).catch((error: unknown) => {
          throw new StoreUnavailableError('The audit log could not be written, so the result is withheld; retry', {
            cause: error,
          });
        });
      }
      return value;
    };
    try {
      assertRole(caller.principal, operation.role, operation.what);
      // The agent's place is held until the answer is ready, audit row included.
      return await (this.#concurrency ? this.#concurrency.run(caller.principal, guarded) : guarded());
    } catch (error) {
      const serviceError = toServiceError(error);
      const pattern = subject.pattern ?? stringDetail(serviceError, 'pattern');
      if (TALLIED_REFUSALS.has(serviceError.code)) {
        // Refusals are audited for every operation (an investigation looks for them), counted
        // per window rather than written one by one. Only a planned execution's pattern is
        // kept: other names and ids come from the request, and would make a row each.
        const kept = operation === OPERATIONS.execute ? pattern : null;
        this.#audit.tally(this.#entry(caller, operation, { pattern: kept, target: null }, started, serviceError.code));
      } else if (operation.audited) {
        // The failure stands whether or not its row could be written (the recorder logs a failed write).
        await this.#record(caller, operation, { ...subject, pattern }, started, serviceError.code).catch(
          () => undefined,
        );
      }
      throw serviceError;
    }
  }

  #record(
    caller: Caller,
    operation: Operation,
    subject: AuditSubject,
    started: number,
    errorCode: string | null,
  ): Promise<void> {
    return this.#audit.record(this.#entry(caller, operation, subject, started, errorCode));
  }

  #entry(
    caller: Caller,
    operation: Operation,
    subject: AuditSubject,
    started: number,
    errorCode: string | null,
  ): AuditEntry {
    const { principal } = caller;
    return {
      at: Date.now(),
      agentId: principal.agentId,
      namespace: principal.namespace,
      operation: operation.name,
      pattern: subject.pattern,
      target: subject.target,
      success: errorCode === null,
      durationMs: performance.now() - started,
      errorCode,
      surface: caller.surface,
    };
  }
}

function ownerOf(caller: Caller): string {
  return `${caller.principal.namespace}/${caller.principal.agentId}`;
}

function noSubject(): AuditSubject {
  return { pattern: null, target: null };
}

function isFailedExecution(value: unknown): value is ExecutionResult {
  return typeof value === 'object' && value !== null && (value as ExecutionResult).success === false;
}

function stringDetail(error: PatternServiceError, key: string): string | null {
  const value = error.details?.[key];
  return typeof value === 'string' ? value : null;
}
