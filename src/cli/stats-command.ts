import type { Command } from 'commander';
import { percent, summarizeLatencies } from '../execution/stats.js';
import { PATTERN_TYPES } from '../patterns/pattern-type.js';
import { table } from './format.js';
import type { CliContext } from './context.js';

export function registerStatsCommand(program: Command, cli: CliContext): void {
  program
    .command('stats')
    .description('execution statistics across every process that used this database, and memory counts')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }) => {
      const { namespace, agent } = cli.globals();
      const engine = await cli.openEngine({ recordExecutions: true });
      const summary = await engine.getPersistedStats();
      const memories = await engine.countMemories({ namespace, agentId: agent, admin: true });
      if (!summary) return;
      const latency = Object.fromEntries(
        PATTERN_TYPES.map((type) => [type, summarizeLatencies(summary.recentDurations[type] ?? [])]),
      );
      const report = {
        database: engine.getStats().store.backend,
        namespace,
        memories,
        totalExecutions: summary.executions,
        successRate: percent(summary.successes, summary.executions),
        cacheHitRate: percent(summary.cacheHits, summary.executions),
        tokensUsed: summary.tokensUsed,
        tokensSavedByCache: summary.tokensSaved,
        latencyMs: latency,
        byPattern: summary.byPattern,
        firstAt: summary.firstAt,
        lastAt: summary.lastAt,
      };
      if (options.json) {
        cli.io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        return;
      }
      const out = cli.io.stdout;
      out.write(`Memories in '${namespace}': ${memories} (${report.database})\n`);
      out.write(
        `Executions: ${report.totalExecutions}  success ${report.successRate}%  cache hits ${report.cacheHitRate}%\n`,
      );
      out.write(`Tokens: ${report.tokensUsed} used, ${report.tokensSavedByCache} saved by the cache\n\n`);
      out.write(
        table(
          ['type', 'samples', 'p50 ms', 'p95 ms', 'p99 ms'],
          PATTERN_TYPES.map((t) => [
            t,
            String(latency[t]!.samples),
            ...[latency[t]!.p50, latency[t]!.p95, latency[t]!.p99].map((v) => v.toFixed(3)),
          ]),
        ),
      );
      out.write('\n');
      out.write(
        table(
          ['pattern', 'executions', 'success %', 'cache %', 'tokens'],
          summary.byPattern.map((p) => [
            p.pattern,
            String(p.executions),
            String(percent(p.successes, p.executions)),
            String(percent(p.cacheHits, p.executions)),
            String(p.tokensUsed),
          ]),
        ),
      );
    });
}
