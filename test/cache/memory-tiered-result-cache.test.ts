import { registerSharedCacheTierContract } from './shared-cache-tier-contract.js';
import { memoryBackend } from './shared-tier-backends.js';
import { registerTieredResultCacheSuite } from './tiered-result-cache-suite.js';

// No server needed: these run in every `npm test`.
registerSharedCacheTierContract('memory', memoryBackend);
registerTieredResultCacheSuite('the in-process shared tier', memoryBackend);
