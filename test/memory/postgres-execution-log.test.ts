import { PostgresExecutionLog } from '../../src/memory/postgres/postgres-execution-log.js';
import { executionLogSuite } from '../../src/testing/index.js';
import { onPostgresBackends } from './postgres-backends.js';

onPostgresBackends('execution log', (backend, fixture) =>
  executionLogSuite({
    name: backend,
    open: async () => {
      const db = await fixture.database();
      return {
        log: new PostgresExecutionLog(db),
        cleanup: async () => void (await db.pool.query(`TRUNCATE ${db.schema}.executions`)),
      };
    },
  }),
);
