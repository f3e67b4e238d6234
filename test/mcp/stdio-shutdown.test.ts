import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runCliProcess } from '../helpers/cli-process.js';
import { tempDir } from '../helpers/engine.js';

const message = (value: object): string => `${JSON.stringify({ jsonrpc: '2.0', ...value })}\n`;

/**
 * A client that writes its requests and closes stdin at once (a script piping into `mcp`)
 * still gets every answer, and every answered write is in the database and the audit log:
 * the server drains what is in flight before closing the store.
 */
describe('tmws-patterns mcp on stdin EOF', () => {
  it('answers the requests in flight, audits them, then exits cleanly', async () => {
    const db = join(tempDir(), 'shutdown.db');
    const mcp = runCliProcess(['--db', db, 'mcp']);
    const initialize = {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'pipe', version: '1' },
    };
    const notes = Array.from({ length: 5 }, (_, i) => `note ${i} written just before stdin closed`);
    mcp.child.stdin.end(
      message({ id: 0, method: 'initialize', params: initialize }) +
        message({ method: 'notifications/initialized' }) +
        notes
          .map((content, i) =>
            message({ id: i + 1, method: 'tools/call', params: { name: 'store_memory', arguments: { content } } }),
          )
          .join(''),
    );
    const [code] = await mcp.exited;
    expect(mcp.stderr()).not.toMatch(/audit log|error/i);
    expect(code).toBe(0);

    const answers = mcp
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: number; result?: { isError?: boolean } });
    expect(answers.map((answer) => answer.id).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(answers.filter((answer) => answer.id > 0 && (answer.result === undefined || answer.result.isError))).toEqual(
      [],
    );
    const database = new Database(db, { readonly: true });
    try {
      expect(database.prepare('SELECT content FROM memories ORDER BY content').pluck().all()).toEqual(notes);
      expect(
        database
          .prepare("SELECT count(*) FROM audit_log WHERE operation = 'memory.store' AND success = 1")
          .pluck()
          .get(),
      ).toBe(notes.length);
    } finally {
      database.close();
    }
  });
});
