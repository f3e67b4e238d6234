// Runs every benchmark scenario in bench/scenarios (or those whose file name contains an
// argument), each in its own process so memory figures do not leak between them.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

const filters = process.argv.slice(2);
const dir = new URL('./scenarios/', import.meta.url);
const scenarios = readdirSync(dir)
  .filter((f) => f.endsWith('.mjs') && !f.startsWith('_'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

console.log(`tmws-patterns benchmarks — ${new Date().toISOString()}`);
console.log(
  `node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB`,
);
let failed = 0;
for (const file of scenarios) {
  console.log(`\n=== ${file.replace(/\.mjs$/, '')} ===`);
  const run = spawnSync(process.execPath, ['--expose-gc', new URL(file, dir).pathname], {
    stdio: 'inherit',
    // Scenarios measure the hashing embedder unless they choose one (semantic.mjs compares them).
    env: { TMWS_EMBEDDER: 'hashing', ...process.env },
  });
  if (run.status !== 0) {
    failed++;
    console.log(`(scenario exited with ${run.status ?? run.signal})`);
  }
}
process.exitCode = failed === 0 ? 0 : 1;
