import type { MemoryFilter } from '../store.js';

/** Live and readable by the scope's agent; `m` is the memories alias. */
export const VISIBLE = `m.namespace = @namespace
  AND (m.expires_at IS NULL OR m.expires_at > @now)
  AND (@admin = 1 OR m.agent_id = @agentId OR m.access_level IN ('team', 'public')
       OR (m.access_level = 'shared' AND EXISTS (SELECT 1 FROM json_each(m.shared_with) WHERE value = @agentId)))`;

/** SQL conditions (on `m`) and their parameters for a search's tag, importance, time and owner filters. */
export function filterClauses(query: Omit<MemoryFilter, 'text' | 'synonyms'>): {
  filters: string;
  values: Record<string, unknown>;
} {
  const clauses: string[] = [];
  const values: Record<string, unknown> = {};
  (query.tags ?? []).forEach((tag, i) => {
    clauses.push(
      `EXISTS (SELECT 1 FROM memory_tags t WHERE t.namespace = m.namespace AND t.tag = @tag${i} AND t.memory_rowid = m.rowid)`,
    );
    values[`tag${i}`] = tag.trim().toLowerCase();
  });
  if (query.minImportance !== undefined) {
    clauses.push('m.importance >= @minImportance');
    values['minImportance'] = query.minImportance;
  }
  if (query.createdAfter !== undefined) {
    clauses.push('m.created_at >= @createdAfter');
    values['createdAfter'] = query.createdAfter;
  }
  if (query.createdBefore !== undefined) {
    clauses.push('m.created_at < @createdBefore');
    values['createdBefore'] = query.createdBefore;
  }
  // @agentId is the scope's, already among VISIBLE's parameters.
  if (query.ownOnly) clauses.push('m.agent_id = @agentId');
  return { filters: clauses.map((c) => `AND ${c}`).join(' '), values };
}
