import { describe } from 'vitest';
import { sharedCacheTierSuite, tieredResultCacheSuite } from '../../src/testing/index.js';
import { TEST_REDIS_URL } from '../helpers/services.js';
import { redisBackend } from './shared-tier-backends.js';

describe.skipIf(!TEST_REDIS_URL)('Redis', () => {
  sharedCacheTierSuite({ name: 'redis', backend: redisBackend(TEST_REDIS_URL!) });
  tieredResultCacheSuite({ name: 'Redis', backend: redisBackend(TEST_REDIS_URL!) });
});
