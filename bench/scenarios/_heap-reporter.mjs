// Loaded into a benchmarked server with --import: on SIGUSR2 it writes the process's V8 heap
// spaces and external memory as JSON to $HEAP_REPORT, so a scenario can say where resident
// memory goes. Measurement only: nothing in the package loads it.
import { writeFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

process.on('SIGUSR2', () => {
  const spaces = Object.fromEntries(
    getHeapSpaceStatistics().map((s) => [s.space_name, { committed: s.space_size, used: s.space_used_size }]),
  );
  const { external, arrayBuffers, heapTotal, heapUsed } = process.memoryUsage();
  writeFileSync(process.env.HEAP_REPORT, JSON.stringify({ spaces, external, arrayBuffers, heapTotal, heapUsed }));
});
