import { PostgresAuditLog } from '../../src/memory/postgres/postgres-audit-log.js';
import { auditLogSuite } from '../../src/testing/index.js';
import { onPostgresBackends } from './postgres-backends.js';

// The schema is dropped on teardown: the log itself refuses deletes.
onPostgresBackends('audit log', (backend, fixture) =>
  auditLogSuite({
    name: backend,
    open: async () => {
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
    },
  }),
);
