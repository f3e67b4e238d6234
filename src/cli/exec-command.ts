import type { Command } from 'commander';
import type { ExecutionMode } from '../patterns/pattern-type.js';
import type { ExecutionResult } from '../execution/result.js';
import { EXIT, modeOption, parseJsonObject, type CliContext } from './context.js';

interface ExecOptions {
  mode: ExecutionMode;
  cache: boolean;
  context?: Record<string, unknown>;
  json?: boolean;
}

export function registerExecCommand(program: Command, cli: CliContext): void {
  program
    .command('exec')
    .description('execute a query against the patterns and print the result')
    .argument('<query>', 'the natural-language command, e.g. "recall security patterns"')
    .addOption(modeOption())
    .option('--no-cache', 'bypass the result cache')
    .option('--context <json>', 'execution context as a JSON object (tags, importance, payload…)', parseJsonObject)
    .option('--json', 'print the whole result as JSON')
    .action(async (query: string, options: ExecOptions) => {
      const { namespace, agent } = cli.globals();
      const engine = await cli.openEngine();
      const result = await engine.execute(query, {
        executionMode: options.mode,
        useCache: options.cache,
        context: { namespace, agentId: agent, ...options.context },
      });
      cli.io.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : formatResult(result));
      if (!result.success) cli.fail(EXIT.failed);
    });
}

export function formatResult(result: ExecutionResult): string {
  const mark = result.success ? '✓' : '✗';
  const lines = [
    `${mark} Pattern: ${result.patternName} (${result.metadata.patternType} → ${result.metadata.action})`,
    `${mark} Time: ${result.executionTimeMs.toFixed(2)}ms`,
    `${mark} Tokens: ${result.tokensUsed}`,
    `${mark} Success: ${result.success}${result.error ? ` — [${result.errorCode}] ${result.error}` : ''}`,
    `${mark} Cache hit: ${result.cacheHit}`,
  ];
  if (result.metadata.routing) lines.push(`  Routed: ${result.metadata.routing.reasoning}`);
  if (result.result) lines.push('Result:', JSON.stringify(result.result, null, 2));
  return `${lines.join('\n')}\n`;
}
