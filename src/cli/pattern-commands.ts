import type { Command } from 'commander';
import { Option } from 'commander';
import type { PlanTrace } from '../execution/planner.js';
import { loadBuiltinCatalog } from '../patterns/catalog.js';
import { formatIssue, loadPatternFiles, readPatternFiles } from '../patterns/file-loader.js';
import { PATTERN_TYPES, type ExecutionMode, type PatternType } from '../patterns/pattern-type.js';
import type { CandidateOutcome } from '../patterns/matcher.js';
import { patternFileJsonSchema } from '../patterns/pattern-file-schema.js';
import { PatternRegistry } from '../patterns/registry.js';
import { table } from './format.js';
import { EXIT, modeOption, type CliContext } from './context.js';

/**
 * Pattern commands touch no database: list and validate load the pattern set alone; test asks
 * an engine (on an in-memory store) for its plan, so it decides exactly as `exec` does.
 */
export function registerPatternCommands(program: Command, cli: CliContext): void {
  const patterns = program.command('patterns').description('inspect, test and validate patterns');
  const loadRegistry = async (): Promise<PatternRegistry> => {
    const path = cli.globals().patterns;
    return new PatternRegistry(path === undefined ? await loadBuiltinCatalog() : await loadPatternFiles(path));
  };

  patterns
    .command('list')
    .description('list the patterns in match order')
    .addOption(new Option('-t, --type <type>', 'only patterns of this type').choices(PATTERN_TYPES))
    .option('--json', 'print as JSON')
    .action(async (options: { type?: PatternType; json?: boolean }) => {
      const list = (await loadRegistry()).list(options.type);
      if (options.json) {
        cli.io.stdout.write(
          `${JSON.stringify(
            list.map((p) => p.toConfig()),
            null,
            2,
          )}\n`,
        );
        return;
      }
      const rows = list.map((p) => [
        p.name,
        p.patternType,
        p.action,
        String(p.priority),
        String(p.costTokens),
        String(p.cacheTtl),
      ]);
      cli.io.stdout.write(table(['name', 'type', 'action', 'prio', 'tokens', 'ttl s'], rows));
    });

  patterns
    .command('test')
    .description('show which pattern a query matches, with its parameters, or how it would be routed')
    .argument('<query>')
    .addOption(modeOption())
    .option('--explain', 'list every candidate pattern tried, its outcome, and why the winner won')
    .option('--json', 'print as JSON')
    .action(async (query: string, options: { mode: ExecutionMode; explain?: boolean; json?: boolean }) => {
      // Planning reads only the patterns: an in-memory store, no vectors, nothing recorded.
      const engine = await cli.openEngine({ databaseUrl: ':memory:', embedder: 'hashing', recordExecutions: false });
      const plan = engine.plan(query, { executionMode: options.mode, trace: options.explain === true });
      if (plan.status === 'invalid') throw plan.error;
      const match = plan.status === 'run' && plan.decidedBy === 'trigger' ? plan : undefined;
      const report = {
        query,
        mode: options.mode,
        matched: match
          ? {
              pattern: match.pattern.name,
              type: match.pattern.patternType,
              action: match.pattern.action,
              params: match.params,
              matchedText: match.matchedText,
            }
          : null,
        routing: plan.routing,
        ...(plan.trace && { explanation: plan.trace }),
      };
      if (options.json) {
        cli.io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      } else {
        if (plan.trace) cli.io.stdout.write(formatTrace(plan.trace));
        if (match) {
          cli.io.stdout.write(
            `✓ ${match.pattern.name} (${match.pattern.patternType} → ${match.pattern.action}, priority ${match.pattern.priority})\n` +
              `  matched: "${match.matchedText}"\n  params: ${JSON.stringify(match.params)}\n`,
          );
        } else {
          const { routing } = plan;
          cli.io.stdout.write(
            `✗ no pattern matches\n  routing: ${routing.patternType} (confidence ${routing.confidence})\n  ${routing.reasoning}\n`,
          );
        }
      }
      if (!match) cli.fail(EXIT.failed);
    });

  patterns
    .command('schema')
    .description('print the JSON Schema of pattern files (for editors)')
    .action(() => {
      cli.io.stdout.write(`${JSON.stringify(patternFileJsonSchema(), null, 2)}\n`);
    });

  patterns
    .command('validate')
    .description('check a YAML/JSON pattern file or directory and report every problem with its location')
    .argument('<path>')
    .action(async (path: string) => {
      const report = await readPatternFiles(path);
      for (const issue of report.issues) cli.io.stderr.write(`${formatIssue(issue)}\n`);
      if (report.issues.length > 0) {
        cli.io.stderr.write(`✗ ${report.issues.length} problem(s) in ${report.files.length} file(s)\n`);
        cli.fail(EXIT.failed);
        return;
      }
      cli.io.stdout.write(`✓ ${report.patterns.length} pattern(s) valid in ${report.files.length} file(s)\n`);
    });
}

function formatTrace(explanation: PlanTrace): string {
  const rows = explanation.candidates.map((c) => [
    OUTCOME_MARK[c.outcome],
    c.name,
    String(c.priority),
    c.via === 'index' ? c.requiredLiterals.map((clause) => clause.join('|')).join(' + ') : '(always checked)',
    c.outcome === 'matched' || c.outcome === 'params-rejected' ? `"${c.matchedText}"` : c.outcome,
    c.paramErrors ? `rejected: ${c.paramErrors.join('; ')}` : c.params ? JSON.stringify(c.params) : '',
  ]);
  const winner = explanation.winner
    ? `winner: ${explanation.winner.name} (${explanation.winner.reason}): ${explanation.winner.detail}`
    : 'winner: none';
  return (
    `pattern set v${explanation.version}: ${explanation.candidates.length} of ${explanation.patterns} patterns tried ` +
    `(types: ${explanation.types.join(', ')}); literals found: ${explanation.foundLiterals.join(', ') || 'none'}\n` +
    table(['', 'candidate', 'prio', 'indexed by', 'outcome', 'params'], rows) +
    `${winner}\n`
  );
}

const OUTCOME_MARK: Record<CandidateOutcome, string> = {
  matched: '✓',
  'no-match': '·',
  'params-rejected': '✗',
  'type-filtered': '-',
};
