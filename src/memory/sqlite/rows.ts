import { toIso, type PreparedMemory } from '../records.js';
import type { AccessLevel, Memory } from '../store.js';

/** A row of the memories table, plus the score a search gave it. */
export interface MemoryRow {
  rowid: number;
  id: string;
  namespace: string;
  agent_id: string;
  content: string;
  content_hash: string;
  tags: string;
  metadata: string;
  importance: number;
  access_level: AccessLevel;
  shared_with: string;
  created_at: number;
  updated_at: number;
  accessed_at: number | null;
  access_count: number;
  expires_at: number | null;
  score?: number;
}

export function toMemory(row: MemoryRow): Memory {
  return {
    id: row.id,
    namespace: row.namespace,
    agentId: row.agent_id,
    content: row.content,
    tags: JSON.parse(row.tags) as string[],
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    importance: row.importance,
    accessLevel: row.access_level,
    sharedWith: JSON.parse(row.shared_with) as string[],
    createdAt: toIso(row.created_at)!,
    updatedAt: toIso(row.updated_at)!,
    accessedAt: toIso(row.accessed_at),
    accessCount: row.access_count,
    expiresAt: toIso(row.expires_at),
    contentHash: row.content_hash,
  };
}

/** A prepared memory as the named parameters of the memories table's columns. */
export function columns(prepared: PreparedMemory) {
  return {
    content: prepared.content,
    contentHash: prepared.contentHash,
    tags: JSON.stringify(prepared.tags),
    metadata: JSON.stringify(prepared.metadata),
    importance: prepared.importance,
    accessLevel: prepared.accessLevel,
    sharedWith: JSON.stringify(prepared.sharedWith),
    expiresAt: prepared.expiresAt,
  };
}
