import { sharedCacheTierSuite, tieredResultCacheSuite } from '../../src/testing/index.js';
import { memoryBackend } from './shared-tier-backends.js';

// No server needed: these run in every `npm test`.
sharedCacheTierSuite({ name: 'memory', backend: memoryBackend });
tieredResultCacheSuite({ name: 'the in-process shared tier', backend: memoryBackend });
