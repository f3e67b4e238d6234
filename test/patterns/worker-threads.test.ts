import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';

/** Queries and the pattern each must reach, whichever worker answers. */
const EXPECTED: Array<[string, string | null, Record<string, unknown> | null]> = [
  ['check database health', 'health_check', { component: 'database' }],
  ['recall items tagged security', 'recall_by_tag', { tag: 'security' }],
  ['compare redis vs memcached', 'compare_patterns', { left: 'redis', right: 'memcached' }],
  ['zz417 invoices', 'generated_417', { item: 'invoices' }],
  ['please zz999 thing', 'generated_999', { item: 'thing' }],
  ['ping db-1', 'named_the_re2_way', { host: 'db-1' }],
  ['nothing to see here', null, null],
];

interface WorkerAnswer {
  answers: Array<[string, string | null, Record<string, unknown> | null]>;
  stats: { literals: number; alwaysChecked: number; compiled: number };
}

/** Runs the fixture in a worker of this process and waits for its answer and a clean exit. */
function runWorker(): Promise<WorkerAnswer> {
  const worker = new Worker(new URL('./fixtures/matcher-worker.mjs', import.meta.url), {
    workerData: { queries: EXPECTED.map(([query]) => query), generated: 1000 },
  });
  return new Promise((resolve, reject) => {
    let answer: WorkerAnswer | undefined;
    worker.once('message', (message: WorkerAnswer) => (answer = message));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0 || answer === undefined) reject(new Error(`worker exited with ${code} and no answer`));
      else resolve(answer);
    });
  });
}

function expectCorrect({ answers, stats }: WorkerAnswer): void {
  expect(answers).toEqual(EXPECTED);
  // 13 catalog patterns + 1,000 generated + 1: only those a query reached (and the eager one) compiled.
  expect(stats.compiled).toBeGreaterThan(0);
  expect(stats.compiled).toBeLessThan(40);
}

describe('the built library in worker threads', () => {
  it('registers and matches in two sequential and then two concurrent workers, and the host survives', async () => {
    for (let i = 0; i < 2; i++) expectCorrect(await runWorker());
    const concurrent = await Promise.all([runWorker(), runWorker()]);
    concurrent.forEach(expectCorrect);
    // The host process is still here and still matching: a native regex addon used to crash it at this point.
    expectCorrect(await runWorker());
  }, 60_000);
});
