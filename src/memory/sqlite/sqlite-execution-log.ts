import type { PatternType } from '../../patterns/pattern-type.js';
import type { ExecutionLog, ExecutionRecord, ExecutionSummary } from '../execution-log.js';
import type { SqliteDatabase } from './database.js';

/** Rows kept; older ones are pruned as new ones arrive, so the log cannot grow without bound. */
const RETAINED_ROWS = 100_000;
/** Durations per pattern type that feed the percentiles of the summary. */
const RECENT_DURATIONS = 10_000;

export class SqliteExecutionLog implements ExecutionLog {
  readonly #db: SqliteDatabase;
  readonly #insert;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#insert = db.prepare(
      `INSERT INTO executions (at, agent_id, namespace, pattern, pattern_type, mode, success, cache_hit, duration_ms,
         tokens_used, tokens_saved, error_code)
       VALUES (@at, @agentId, @namespace, @pattern, @patternType, @mode, @success, @cacheHit, @durationMs,
         @tokensUsed, @tokensSaved, @errorCode)`,
    );
  }

  async append(records: readonly ExecutionRecord[]): Promise<void> {
    if (records.length === 0) return;
    this.#db
      .transaction(() => {
        for (const r of records) this.#insert.run({ ...r, success: r.success ? 1 : 0, cacheHit: r.cacheHit ? 1 : 0 });
        this.#db.prepare('DELETE FROM executions WHERE id <= (SELECT max(id) FROM executions) - ?').run(RETAINED_ROWS);
      })
      .immediate();
  }

  async summary(): Promise<ExecutionSummary> {
    const totals = this.#db
      .prepare(
        `SELECT count(*) AS executions, coalesce(sum(success), 0) AS successes, coalesce(sum(cache_hit), 0) AS cacheHits,
           coalesce(sum(tokens_used), 0) AS tokensUsed, coalesce(sum(tokens_saved), 0) AS tokensSaved,
           min(at) AS firstAt, max(at) AS lastAt FROM executions`,
      )
      .get() as Record<string, number | null>;
    const byPattern = this.#db
      .prepare(
        `SELECT coalesce(pattern, '(none)') AS pattern, pattern_type AS patternType, count(*) AS executions,
           sum(success) AS successes, sum(cache_hit) AS cacheHits, sum(tokens_used) AS tokensUsed
         FROM executions GROUP BY pattern, pattern_type ORDER BY executions DESC`,
      )
      .all() as ExecutionSummary['byPattern'];
    const recent = this.#db
      .prepare(
        `SELECT pattern_type AS type, duration_ms AS ms FROM (
           SELECT pattern_type, duration_ms, row_number() OVER (PARTITION BY pattern_type ORDER BY id DESC) AS n
           FROM executions WHERE pattern_type IS NOT NULL) WHERE n <= ?`,
      )
      .all(RECENT_DURATIONS) as Array<{ type: PatternType; ms: number }>;
    const recentDurations: ExecutionSummary['recentDurations'] = {};
    for (const { type, ms } of recent) (recentDurations[type] ??= []).push(ms);
    return {
      executions: Number(totals['executions']),
      successes: Number(totals['successes']),
      cacheHits: Number(totals['cacheHits']),
      tokensUsed: Number(totals['tokensUsed']),
      tokensSaved: Number(totals['tokensSaved']),
      byPattern,
      recentDurations,
      firstAt: totals['firstAt'] == null ? null : new Date(totals['firstAt']).toISOString(),
      lastAt: totals['lastAt'] == null ? null : new Date(totals['lastAt']).toISOString(),
    };
  }
}
