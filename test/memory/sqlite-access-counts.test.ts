import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HashingEmbedder } from '../../src/embeddings/hashing-embedder.js';
import { ACCESS_FLUSH_MS } from '../../src/memory/sqlite/access-counts.js';
import { openSqliteDatabase, type SqliteDatabase } from '../../src/memory/sqlite/database.js';
import { SqliteMemoryStore } from '../../src/memory/sqlite/sqlite-memory-store.js';

const alice = { namespace: 'ns', agentId: 'alice' };

describe('SQLite access counts', () => {
  let dir: string;
  let db: SqliteDatabase;
  let store: SqliteMemoryStore;
  let other: Database.Database;
  const stored = (id: string) =>
    other.prepare('SELECT access_count, accessed_at FROM memories WHERE id = ?').get(id) as {
      access_count: number;
      accessed_at: number | null;
    };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tmws-access-'));
    db = openSqliteDatabase({ path: join(dir, 'db.sqlite'), embedder: new HashingEmbedder() });
    db.pragma('busy_timeout = 50');
    store = new SqliteMemoryStore(db);
    other = new Database(join(dir, 'db.sqlite'));
  });

  afterEach(async () => {
    vi.useRealTimers();
    other.close();
    await store.close().catch(() => {});
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a search while another process holds the write lock, and writes the reads once it is free', async () => {
    const { memory } = await store.store(alice, { content: 'pgbouncer pools connections' }, null);
    other.prepare('BEGIN IMMEDIATE').run();
    const [first] = await store.search(alice, { text: 'pgbouncer', limit: 5 });
    const again = await store.get(alice, memory.id);
    expect(first!.accessCount).toBe(1);
    expect(again!.accessCount).toBe(2);
    other.prepare('ROLLBACK').run();

    await vi.waitFor(() => expect(stored(memory.id).access_count).toBe(2), { timeout: ACCESS_FLUSH_MS * 20 });
    expect(stored(memory.id).accessed_at).toBe(Date.parse(again!.accessedAt!));
    expect((await store.get(alice, memory.id))!.accessCount).toBe(3);
  });

  it('writes pending reads with the next write, and keeps them when that write rolls back', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { memory } = await store.store(alice, { content: 'rotate signing keys monthly' }, null);
    await store.get(alice, memory.id);
    expect(stored(memory.id).access_count).toBe(0);

    other.prepare('BEGIN IMMEDIATE').run();
    await expect(store.update(alice, memory.id, { importance: 0.9 })).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
    });
    other.prepare('ROLLBACK').run();
    expect(stored(memory.id).access_count).toBe(0);

    const updated = await store.update(alice, memory.id, { importance: 0.9 });
    expect(stored(memory.id).access_count).toBe(1);
    expect(updated!.accessCount).toBe(1);
  });

  it('writes pending reads at close', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { memory } = await store.store(alice, { content: 'cache invalidation on write' }, null);
    await store.search(alice, { text: 'invalidation', limit: 5 });
    await store.search(alice, { text: 'cache', limit: 5 });
    expect(stored(memory.id).access_count).toBe(0);
    await store.close();
    expect(stored(memory.id).access_count).toBe(2);
  });
});
