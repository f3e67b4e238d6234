import { PostgresExecutionLog } from '../../src/memory/postgres/postgres-execution-log.js';
import { registerExecutionLogContract } from './execution-log-contract.js';
import { onPostgresBackends } from './postgres-backends.js';

onPostgresBackends('execution log', (backend, fixture) =>
  registerExecutionLogContract(backend, async () => {
    const db = await fixture.database();
    return {
      log: new PostgresExecutionLog(db),
      cleanup: async () => void (await db.pool.query(`TRUNCATE ${db.schema}.executions`)),
    };
  }),
);
