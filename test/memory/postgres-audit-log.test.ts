import { afterAll, beforeAll, describe } from 'vitest';
import { PostgresAuditLog } from '../../src/memory/postgres/postgres-audit-log.js';
import { startPglite, TEST_POSTGRES_URL } from '../helpers/services.js';
import { registerAuditLogContract } from './audit-log-contract.js';
import { postgresStoreFixture } from './postgres-store-fixture.js';

/** The audit log on a fixture's schema; the schema is dropped on teardown (the log itself refuses deletes). */
function auditLogOn(fixture: ReturnType<typeof postgresStoreFixture>) {
  return async () => {
    const db = await fixture.database();
    const table = `${db.schema}.audit_log`;
    return {
      log: new PostgresAuditLog(db),
      tamper: {
        update: async () => void (await db.pool.query(`UPDATE ${table} SET success = NOT success`)),
        remove: async () => void (await db.pool.query(`DELETE FROM ${table}`)),
      },
      // Entries carry a unique namespace per test; nothing to remove, and the log would refuse it.
      cleanup: async () => {},
    };
  };
}

describe.skipIf(!TEST_POSTGRES_URL)('PostgreSQL audit log', () => {
  const fixture = postgresStoreFixture(() => TEST_POSTGRES_URL!, { vectors: 'array' });
  afterAll(() => fixture.teardown());
  registerAuditLogContract('postgres', auditLogOn(fixture));
});

describe('PGlite audit log', () => {
  let server: Awaited<ReturnType<typeof startPglite>>;
  const fixture = postgresStoreFixture(() => server.url, { vectors: 'pgvector' });
  beforeAll(async () => {
    server = await startPglite();
  });
  afterAll(async () => {
    await fixture.teardown();
    await server.stop();
  });
  registerAuditLogContract('pglite', auditLogOn(fixture));
});
