// A backend author's spec, written against the installed package: the exported contract
// suites (tmws-patterns/testing) run the built-in SQLite store, opened with openMemoryStore,
// and the in-process shared tier, under the author's own vitest. Run by .ci/package-smoke.sh.
import { openMemoryStore } from 'tmws-patterns';
import {
  executionLogSuite,
  MemorySharedCacheTier,
  memoryStoreSuite,
  sharedCacheTierSuite,
} from 'tmws-patterns/testing';

memoryStoreSuite({
  name: 'packed sqlite',
  open: async () => {
    let now = Date.now();
    const opened = await openMemoryStore(':memory:', { embedder: 'hashing', clock: () => now });
    return { store: opened.store, advance: (ms) => void (now += ms), cleanup: () => opened.close() };
  },
});

executionLogSuite({
  name: 'packed sqlite',
  open: async () => {
    const opened = await openMemoryStore(':memory:', { embedder: 'hashing' });
    return { log: opened.executionLog, cleanup: () => opened.close() };
  },
});

sharedCacheTierSuite({
  name: 'packed in-process tier',
  backend: {
    deployment: async () => {
      const tier = new MemorySharedCacheTier();
      return { connect: async () => tier, cleanup: () => tier.clear() };
    },
  },
});
