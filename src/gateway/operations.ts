/**
 * @module gateway/operations
 * The capabilities HTTP and MCP offer, declared once: each one's name in the audit trail,
 * the role it needs and whether it is audited. The gateway guards every call by this table.
 */
import type { PatternServiceError } from '../errors.js';
import type { EngineStats, NamespaceStats } from '../execution/engine.js';
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

export const OPERATIONS = {
  execute: { name: 'execute', what: 'Executing queries', role: 'readonly', audited: true },
  stats: { name: 'stats', what: 'Reading statistics', role: 'readonly', audited: false },
  metrics: { name: 'metrics', what: 'Reading server-wide metrics', role: 'admin', audited: false },
  storeMemory: { name: 'memory.store', what: 'Storing memories', role: 'agent', audited: true },
  searchMemories: { name: 'memory.search', what: 'Searching memories', role: 'readonly', audited: true },
  getMemory: { name: 'memory.get', what: 'Reading memories', role: 'readonly', audited: true },
  updateMemory: { name: 'memory.update', what: 'Updating memories', role: 'agent', audited: true },
  deleteMemory: { name: 'memory.delete', what: 'Deleting memories', role: 'agent', audited: true },
  memoryHistory: { name: 'memory.history', what: 'Reading the history of memories', role: 'readonly', audited: true },
  restoreMemory: { name: 'memory.restore', what: 'Restoring memories', role: 'agent', audited: true },
  listPatterns: { name: 'pattern.list', what: 'Listing patterns', role: 'readonly', audited: false },
  explain: { name: 'pattern.explain', what: 'Explaining queries', role: 'readonly', audited: false },
  registerPattern: { name: 'pattern.register', what: 'Registering patterns', role: 'admin', audited: true },
  deletePattern: { name: 'pattern.delete', what: 'Deleting patterns', role: 'admin', audited: true },
  queryAudit: { name: 'audit.query', what: 'Reading the audit log', role: 'admin', audited: false },
} as const satisfies Record<string, Operation>;
