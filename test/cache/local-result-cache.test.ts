import { LocalResultCache } from '../../src/cache/local-result-cache.js';
import { resultCacheSuite } from '../../src/testing/index.js';

resultCacheSuite({
  name: 'local (L1 only)',
  open: async () => {
    const cache = new LocalResultCache<{ n: number }>();
    return { cache, cleanup: () => cache.close() };
  },
});
