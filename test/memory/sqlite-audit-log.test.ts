import { HashingEmbedder } from '../../src/embeddings/hashing-embedder.js';
import { openSqliteDatabase } from '../../src/memory/sqlite/database.js';
import { SqliteAuditLog } from '../../src/memory/sqlite/sqlite-audit-log.js';
import { auditLogSuite } from '../../src/testing/index.js';

auditLogSuite({
  name: 'sqlite',
  open: async () => {
    const db = openSqliteDatabase({ path: ':memory:', embedder: new HashingEmbedder() });
    return {
      log: new SqliteAuditLog(db),
      tamper: {
        update: async () => void db.prepare('UPDATE audit_log SET success = 1 - success').run(),
        remove: async () => void db.prepare('DELETE FROM audit_log').run(),
      },
      cleanup: async () => void db.close(),
    };
  },
});
