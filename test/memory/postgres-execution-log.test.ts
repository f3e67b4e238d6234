import { afterAll, beforeAll, describe } from 'vitest';
import { PostgresExecutionLog } from '../../src/memory/postgres/postgres-execution-log.js';
import { startPglite, TEST_POSTGRES_URL } from '../helpers/services.js';
import { registerExecutionLogContract } from './execution-log-contract.js';
import { postgresStoreFixture } from './postgres-store-fixture.js';

/** The execution log on a fixture's schema, emptied after each test; the schema is dropped on teardown. */
function executionLogOn(fixture: ReturnType<typeof postgresStoreFixture>) {
  return async () => {
    const db = await fixture.database();
    return {
      log: new PostgresExecutionLog(db),
      cleanup: async () => void (await db.pool.query(`TRUNCATE ${db.schema}.executions`)),
    };
  };
}

describe.skipIf(!TEST_POSTGRES_URL)('PostgreSQL execution log', () => {
  const fixture = postgresStoreFixture(() => TEST_POSTGRES_URL!, { vectors: 'array' });
  afterAll(() => fixture.teardown());
  registerExecutionLogContract('postgres', executionLogOn(fixture));
});

describe('PGlite execution log', () => {
  let server: Awaited<ReturnType<typeof startPglite>>;
  const fixture = postgresStoreFixture(() => server.url, { vectors: 'pgvector' });
  beforeAll(async () => {
    server = await startPglite();
  });
  afterAll(async () => {
    await fixture.teardown();
    await server.stop();
  });
  registerExecutionLogContract('pglite', executionLogOn(fixture));
});
