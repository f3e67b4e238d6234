import { toIso } from '../records.js';
import type { AccessLevel, Memory, MemoryFilter, Scope } from '../store.js';

const COLUMNS = [
  'seq',
  'id',
  'namespace',
  'agent_id',
  'content',
  'content_hash',
  'tags',
  'metadata',
  'importance',
  'access_level',
  'shared_with',
  'created_at',
  'updated_at',
  'accessed_at',
  'access_count',
  'expires_at',
];

/** The columns a Memory is built from (never the tsvector or the embedding, which are large). */
export function memoryColumns(alias?: string): string {
  return COLUMNS.map((c) => (alias === undefined ? c : `${alias}.${c}`)).join(', ');
}

export interface MemoryRow {
  seq: string;
  id: string;
  namespace: string;
  agent_id: string;
  content: string;
  content_hash: string;
  tags: string[];
  metadata: Record<string, unknown>;
  importance: number;
  access_level: AccessLevel;
  shared_with: string[];
  /** bigint columns arrive as strings from pg. */
  created_at: string;
  updated_at: string;
  accessed_at: string | null;
  access_count: number;
  expires_at: string | null;
  score?: number | string;
  [column: string]: unknown;
}

/** Collects positional parameters while a statement is built: `p.add(value)` returns `$n`. */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * Live and readable by the scope's agent (`m` is the memories alias): the same rule as
 * SQLite's, written for arrays. Parameters are only added when used, since PostgreSQL
 * cannot type a parameter that no expression references.
 */
export function visibleTo(scope: Scope, now: number, p: SqlParams): string {
  const live = `m.namespace = ${p.add(scope.namespace)} AND (m.expires_at IS NULL OR m.expires_at > ${p.add(now)})`;
  if (scope.admin) return live;
  const agent = p.add(scope.agentId);
  return `${live} AND (m.agent_id = ${agent} OR m.access_level IN ('team', 'public')
    OR (m.access_level = 'shared' AND ${agent} = ANY (m.shared_with)))`;
}

/** A search's tag, importance, time and owner conditions on `m`, each starting with AND. */
export function filterConditions(query: Omit<MemoryFilter, 'text' | 'synonyms'>, scope: Scope, p: SqlParams): string {
  const clauses: string[] = [];
  if (query.tags !== undefined && query.tags.length > 0) {
    clauses.push(`m.tags @> ${p.add(query.tags.map((t) => t.trim().toLowerCase()))}::text[]`);
  }
  if (query.minImportance !== undefined) clauses.push(`m.importance >= ${p.add(query.minImportance)}`);
  if (query.createdAfter !== undefined) clauses.push(`m.created_at >= ${p.add(query.createdAfter)}`);
  if (query.createdBefore !== undefined) clauses.push(`m.created_at < ${p.add(query.createdBefore)}`);
  if (query.ownOnly) clauses.push(`m.agent_id = ${p.add(scope.agentId)}`);
  return clauses.map((c) => `AND ${c}`).join(' ');
}

export function toMemory(row: MemoryRow): Memory {
  return {
    id: row.id,
    namespace: row.namespace,
    agentId: row.agent_id,
    content: row.content,
    tags: row.tags,
    metadata: row.metadata,
    importance: row.importance,
    accessLevel: row.access_level,
    sharedWith: row.shared_with,
    createdAt: toIso(Number(row.created_at))!,
    updatedAt: toIso(Number(row.updated_at))!,
    accessedAt: row.accessed_at === null ? null : toIso(Number(row.accessed_at)),
    accessCount: row.access_count,
    expiresAt: row.expires_at === null ? null : toIso(Number(row.expires_at)),
    contentHash: row.content_hash,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are uuids here; anything else cannot name a memory (and would be a type error in SQL). */
export function isMemoryId(id: string): boolean {
  return UUID.test(id);
}
