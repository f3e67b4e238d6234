import type { PatternType } from '../../patterns/pattern-type.js';
import type { ExecutionLog, ExecutionRecord, ExecutionSummary } from '../execution-log.js';
import type { PostgresDatabase } from './postgres-database.js';

/** Rows kept; older ones are pruned as new ones arrive, so the log cannot grow without bound. */
const RETAINED_ROWS = 100_000;
/** Durations per pattern type that feed the percentiles of the summary. */
const RECENT_DURATIONS = 10_000;

/** The execution log shared by every instance writing to the same database. */
export class PostgresExecutionLog implements ExecutionLog {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  async append(records: readonly ExecutionRecord[]): Promise<void> {
    if (records.length === 0) return;
    const s = this.#db.schema;
    const column = <T>(pick: (r: ExecutionRecord) => T): T[] => records.map(pick);
    await this.#db.pool.transaction(async (client) => {
      await client.query(
        `INSERT INTO ${s}.executions (at, agent_id, namespace, pattern, pattern_type, mode, success, cache_hit,
           duration_ms, tokens_used, tokens_saved, error_code)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[],
           $8::boolean[], $9::float8[], $10::int[], $11::int[], $12::text[])`,
        [
          column((r) => r.at),
          column((r) => r.agentId),
          column((r) => r.namespace),
          column((r) => r.pattern),
          column((r) => r.patternType),
          column((r) => r.mode),
          column((r) => r.success),
          column((r) => r.cacheHit),
          column((r) => r.durationMs),
          column((r) => r.tokensUsed),
          column((r) => r.tokensSaved),
          column((r) => r.errorCode),
        ],
      );
      await client.query(`DELETE FROM ${s}.executions WHERE id <= (SELECT max(id) FROM ${s}.executions) - $1`, [
        RETAINED_ROWS,
      ]);
    });
  }

  async summary(): Promise<ExecutionSummary> {
    const s = this.#db.schema;
    const { rows: totals } = await this.#db.pool.query<Record<string, string | null>>(
      `SELECT count(*) AS executions, count(*) FILTER (WHERE success) AS successes,
         count(*) FILTER (WHERE cache_hit) AS cache_hits, coalesce(sum(tokens_used), 0) AS tokens_used,
         coalesce(sum(tokens_saved), 0) AS tokens_saved, min(at) AS first_at, max(at) AS last_at
       FROM ${s}.executions`,
    );
    const { rows: byPattern } = await this.#db.pool.query<Record<string, string | null>>(
      `SELECT coalesce(pattern, '(none)') AS pattern, pattern_type, count(*) AS executions,
         count(*) FILTER (WHERE success) AS successes, count(*) FILTER (WHERE cache_hit) AS cache_hits,
         sum(tokens_used) AS tokens_used
       FROM ${s}.executions GROUP BY pattern, pattern_type ORDER BY executions DESC`,
    );
    const { rows: recent } = await this.#db.pool.query<{ type: PatternType; ms: number }>(
      `SELECT pattern_type AS type, duration_ms AS ms FROM (
         SELECT pattern_type, duration_ms, row_number() OVER (PARTITION BY pattern_type ORDER BY id DESC) AS n
         FROM ${s}.executions WHERE pattern_type IS NOT NULL) recent WHERE n <= $1`,
      [RECENT_DURATIONS],
    );
    const recentDurations: ExecutionSummary['recentDurations'] = {};
    for (const { type, ms } of recent) (recentDurations[type] ??= []).push(ms);
    const t = totals[0]!;
    return {
      executions: Number(t['executions']),
      successes: Number(t['successes']),
      cacheHits: Number(t['cache_hits']),
      tokensUsed: Number(t['tokens_used']),
      tokensSaved: Number(t['tokens_saved']),
      byPattern: byPattern.map((row) => ({
        pattern: row['pattern']!,
        patternType: row['pattern_type'] as PatternType | null,
        executions: Number(row['executions']),
        successes: Number(row['successes']),
        cacheHits: Number(row['cache_hits']),
        tokensUsed: Number(row['tokens_used']),
      })),
      recentDurations,
      firstAt: t['first_at'] == null ? null : new Date(Number(t['first_at'])).toISOString(),
      lastAt: t['last_at'] == null ? null : new Date(Number(t['last_at'])).toISOString(),
    };
  }
}
