import { describe } from 'vitest';
import { TEST_REDIS_URL } from '../helpers/services.js';
import { registerSharedCacheTierContract } from './shared-cache-tier-contract.js';
import { redisBackend } from './shared-tier-backends.js';
import { registerTieredResultCacheSuite } from './tiered-result-cache-suite.js';

describe.skipIf(!TEST_REDIS_URL)('Redis', () => {
  registerSharedCacheTierContract('redis', redisBackend(TEST_REDIS_URL!));
  registerTieredResultCacheSuite('Redis', redisBackend(TEST_REDIS_URL!));
});
