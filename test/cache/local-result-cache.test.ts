import { LocalResultCache } from '../../src/cache/local-result-cache.js';
import { registerResultCacheContract } from './result-cache-contract.js';

registerResultCacheContract('local (L1 only)', async () => {
  const cache = new LocalResultCache<{ n: number }>();
  return { cache, cleanup: () => cache.close() };
});
