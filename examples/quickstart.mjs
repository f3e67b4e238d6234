// The seed guide's 5-minute quickstart, on the embedded default: a SQLite file in your user
// data directory (or TMWS_DATABASE_URL). Run it twice: the second run recalls what the
// first one stored, from a new process.
import { createPatternExecutionEngine } from 'tmws-patterns';

const engine = await createPatternExecutionEngine();
try {
  const note = `security pattern: rotate API keys every 90 days (noted ${new Date().toISOString()})`;
  const stored = await engine.execute(`save note: ${note}`, { context: { tags: ['security'], importance: 0.8 } });
  console.log(`✓ Stored: ${stored.patternName} (${stored.success ? 'ok' : stored.error})`);

  const result = await engine.execute('recall security patterns');
  console.log(`✓ Pattern: ${result.patternName}`);
  console.log(`✓ Time: ${result.executionTimeMs.toFixed(2)}ms`);
  console.log(`✓ Tokens: ${result.tokensUsed}`);
  console.log(`✓ Success: ${result.success}`);

  const memories = result.result?.memories ?? [];
  const earlier = memories.filter((m) => m.content !== note).length;
  console.log(`✓ Memories recalled: ${memories.length} (${earlier} stored by earlier runs)`);

  const stats = engine.getStats();
  console.log(`✓ Total executions: ${stats.totalExecutions}`);
  console.log(`✓ Cache hit rate: ${stats.cacheHitRate.toFixed(1)}%`);
} finally {
  await engine.close();
}
