/**
 * @module gateway/operations
 * The capabilities HTTP and MCP offer, declared once: each one's name in the audit trail,
 * the role it needs and whether it is audited. The gateway guards every call by this table.
 * An offered operation (OfferedOperation) adds its wire schemas, its handler and what each
 * surface needs, so the HTTP route and the MCP tool are derived from the one entry.
 */
import type { z } from 'zod';
import type { PatternServiceError } from '../errors.js';
import type { EngineStats, NamespaceStats, PatternExecutionEngine } from '../execution/engine.js';
import type { MemoryScope } from '../execution/memory-operations.js';
import type { ExecutionResult } from '../execution/result.js';
import type { ExecutionMode } from '../patterns/pattern-type.js';
import type { Principal, Role } from '../security/roles.js';

export type Surface = 'http' | 'mcp';

/** Who calls, and through which surface (recorded in the audit log). */
export interface Caller {
  principal: Principal;
  surface: Surface;
}

export interface ExecuteInput {
  query: string;
  mode?: ExecutionMode | undefined;
  useCache?: boolean | undefined;
  /** Free-form; agent and namespace are set from the credential (see scopeContext). */
  context?: unknown;
}

type Status = 'ok' | 'degraded' | 'down';

/**
 * Statistics as a caller may see them: an admin every namespace's, anyone else its own
 * namespace's only; with the status (no figures) of the store and of each cache tier.
 */
export type CallerStats = (EngineStats | NamespaceStats) & {
  health: { store: { status: Status }; cache: { status: Status; tiers: Record<string, { status: Status }> } };
};

/** Hears every execution the gateway runs, e.g. to export metrics. */
export interface ExecutionObserver {
  executed(outcome: { result: ExecutionResult } | { error: PatternServiceError; durationMs: number }): void;
}

export interface Operation {
  name: string;
  /** For error messages: "storing memories needs the 'agent' role". */
  what: string;
  role: Role;
  audited: boolean;
}

/** An MCP tool's hints to its clients (the SDK's ToolAnnotations; declared here, below the MCP edge). */
export interface ToolHints {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/** The hints of a tool that only reads. */
export const readOnly: ToolHints = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};

/**
 * A capability offered over HTTP and MCP, declared once: guarded by the gateway (role, rate
 * limit, audit before answer), its handler called with input the surface checked against
 * `input` (MCP) or against the route's parts (HTTP), which together make the same object.
 */
export interface OfferedOperation<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> extends Operation {
  /** The input as one object: MCP's arguments; HTTP's path parameters, query and body, merged. */
  input: I;
  output: O;
  /** What the audit row names (a memory's id): from the input, and again from the output once there is one. */
  target?(input: z.output<I>, output?: z.output<O>): string | undefined;
  /** Wire input → the engine, as the caller (memories: in its own agent and namespace, scopeOf) → wire output. */
  run(engine: PatternExecutionEngine, caller: Caller, input: z.output<I>): Promise<z.output<O>>;
  http: {
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
    /** Under /api/v1; `:id` is a path parameter. */
    path: string;
    summary: string;
    tag: string;
    params?: z.ZodType;
    query?: z.ZodType;
    body?: z.ZodType;
    /** Its success statuses: the first unless `status` picks another. @default [200] */
    statuses?: readonly number[];
    status?(output: z.output<O>): number;
    /** Error statuses besides the ones every route has (400, 401, 403, 429). */
    errors: readonly number[];
  };
  /** None: offered over HTTP only. */
  mcp?: {
    name: string;
    title: string;
    description: string;
    annotations: ToolHints;
    /** Answer `{ memory: … }` where HTTP answers the memory itself. */
    wrap?: 'memory';
  };
}

/** The caller's own agent and namespace: the scope of every memory operation. */
export function scopeOf(caller: Caller): MemoryScope {
  return { namespace: caller.principal.namespace, agentId: caller.principal.agentId };
}

/** Declares an offered operation, keeping its input and output types for its own handler. */
export function offered<I extends z.ZodType, O extends z.ZodType>(operation: OfferedOperation<I, O>): OfferedOperation {
  return operation as unknown as OfferedOperation;
}

export const OPERATIONS = {
  execute: { name: 'execute', what: 'Executing queries', role: 'readonly', audited: true },
  metrics: { name: 'metrics', what: 'Reading server-wide metrics', role: 'admin', audited: false },
  registerPattern: { name: 'pattern.register', what: 'Registering patterns', role: 'admin', audited: true },
  deletePattern: { name: 'pattern.delete', what: 'Deleting patterns', role: 'admin', audited: true },
  queryAudit: { name: 'audit.query', what: 'Reading the audit log', role: 'admin', audited: false },
} as const satisfies Record<string, Operation>;
