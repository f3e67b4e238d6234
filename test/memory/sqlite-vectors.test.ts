import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HashingEmbedder } from '../../src/embeddings/hashing-embedder.js';
import { openSqliteDatabase, type SqliteDatabase } from '../../src/memory/sqlite/database.js';
import { SqliteMemoryStore } from '../../src/memory/sqlite/sqlite-memory-store.js';
import type { ImportedMemory, Scope } from '../../src/memory/store.js';
import { CODE_LAYOUT } from '../../src/memory/vector-codes.js';

const embedder = new HashingEmbedder();
const scope: Scope = { namespace: 'team', agentId: 'alice' };

/** Two stores on one file stand for two processes: each connection sees the other's commits. */
let dir: string;
let opened: Array<{ db: SqliteDatabase; store: SqliteMemoryStore }>;
function openProcess(): { db: SqliteDatabase; store: SqliteMemoryStore } {
  const db = openSqliteDatabase({ path: join(dir, 'memories.db'), embedder });
  const process = { db, store: new SqliteMemoryStore(db) };
  opened.push(process);
  return process;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tmws-vectors-'));
  opened = [];
});
afterEach(async () => {
  for (const { db, store } of opened) {
    await store.close();
    db.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Sentences over a small vocabulary, so neighbours share words at many different degrees. */
function notes(count: number, seed = 11): ImportedMemory[] {
  let state = seed;
  const random = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const words = Array.from({ length: 1500 }, (_, i) => `w${(i * 7919).toString(36)}`);
  return Array.from({ length: count }, (_, i) => ({
    ...scope,
    content: `${Array.from({ length: 5 + Math.floor(random() * 12) }, () => words[Math.floor(random() * words.length)]).join(' ')} #${i}`,
    createdAt: Date.parse('2026-01-01T00:00:00Z') + i * 60_000,
  }));
}

const importNotes = (store: SqliteMemoryStore, memories: ImportedMemory[]) =>
  store.importMany(
    memories,
    memories.map((m) => embedder.embedSync(m.content)),
  );
const nearest = async (store: SqliteMemoryStore, text: string, limit = 10) =>
  (await store.nearest(scope, { embedding: embedder.embedSync(text), limit })).map((m) => m.content);
function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let d = 0; d < a.length; d++) sum += a[d]! * b[d]!;
  return sum;
}
/**
 * The stored blocks as one: they must follow each other from seq 1 without a gap, each small
 * enough (120 KiB) that reading it never makes SQLite map and free a large chunk.
 */
function blocks(db: SqliteDatabase): { firstSeq: number; count: number } {
  const rows = db
    .prepare(
      'SELECT first_seq AS firstSeq, last_seq AS lastSeq, count, length(data) AS bytes FROM vector_blocks ORDER BY first_seq',
    )
    .all() as Array<{ firstSeq: number; lastSeq: number; count: number; bytes: number }>;
  rows.forEach((row, i) => {
    expect(row.bytes).toBeLessThanOrEqual(120 * 1024);
    if (i > 0) expect(row.firstSeq).toBe(rows[i - 1]!.lastSeq + 1);
  });
  return { firstSeq: rows[0]?.firstSeq ?? 0, count: rows.reduce((sum, row) => sum + row.count, 0) };
}

describe('vector search on SQLite', () => {
  it('agrees with exact cosine on the top 10 (codes, then an exact re-score of a shortlist)', async () => {
    const { store } = openProcess();
    const memories = notes(5000);
    await importNotes(store, memories);
    const vectors = memories.map((m) => embedder.embedSync(m.content));
    let agreed = 0;
    const queries = notes(30, 5).map((m, i) =>
      m.content
        .split(' ')
        .slice(0, 2 + (i % 6))
        .join(' '),
    );
    for (const text of queries) {
      const q = embedder.embedSync(text);
      const exact = vectors
        .map((v, i) => ({ content: memories[i]!.content, score: dot(v, q) }))
        .sort((a, b) => b.score - a.score)
        .slice(0, 10)
        .map((e) => e.content);
      const found = new Set(await nearest(store, text));
      agreed += exact.filter((content) => found.has(content)).length;
    }
    expect(agreed / (queries.length * 10)).toBeGreaterThanOrEqual(0.98);
  });

  it('finds a memory whose vector another process wrote after newer ones', async () => {
    const reader = openProcess().store;
    const writer = openProcess().store;
    const older = await writer.store(scope, { content: 'blue green deployment checklist' }, null); // pending
    await writer.store(scope, { content: 'canary release plan' }, embedder.embedSync('canary release plan'));
    expect(await nearest(reader, 'canary release')).toEqual(['canary release plan']);
    await writer.setEmbeddings([
      { id: older.memory.id, embedding: embedder.embedSync('blue green deployment checklist') },
    ]);
    expect(await nearest(reader, 'blue green deployment', 1)).toEqual(['blue green deployment checklist']);
  });

  it('loads a namespace from its stored blocks, less what another process deleted since', async () => {
    const writer = openProcess();
    const memories = notes(3000);
    await importNotes(writer.store, memories);
    expect(blocks(writer.db)).toEqual({ firstSeq: 1, count: 3000 });
    const ids = writer.db.prepare("SELECT id FROM memories WHERE content LIKE '% #1__'").pluck().all() as string[];
    for (const id of ids) await writer.store.delete(scope, id);

    const reader = openProcess();
    for (const i of [100, 150, 199, 2500]) {
      const found = await nearest(reader.store, memories[i]!.content, 1);
      expect(found).toEqual(i < 200 ? [expect.not.stringMatching(/ #1\d\d$/)] : [memories[i]!.content]);
    }
    await reader.store.close(); // writes back the block without the deleted vectors
    expect(blocks(reader.db)).toEqual({ firstSeq: 1, count: 3000 - ids.length });
  });

  it('seals vectors stored before blocks existed, once, when a process loads them', async () => {
    const writer = openProcess();
    const memories = notes(2500);
    await importNotes(writer.store, memories);
    writer.db.exec('DELETE FROM vector_blocks');
    const reader = openProcess();
    expect(await nearest(reader.store, memories[1234]!.content, 1)).toEqual([memories[1234]!.content]);
    await reader.store.close();
    expect(blocks(reader.db)).toEqual({ firstSeq: 1, count: 2500 });
  });

  it('replaces blocks of an older code layout when a process loads them, and writes go on', async () => {
    const writer = openProcess();
    const memories = notes(2500);
    await importNotes(writer.store, memories);
    writer.db.exec(`UPDATE vector_blocks SET layout = ${CODE_LAYOUT - 1}`); // as if written by an older version
    const reader = openProcess();
    expect(await nearest(reader.store, memories[1234]!.content, 1)).toEqual([memories[1234]!.content]);
    await reader.store.close();
    const layouts = reader.db.prepare('SELECT DISTINCT layout FROM vector_blocks').pluck().all();
    expect(layouts).toEqual([CODE_LAYOUT]);
    expect(blocks(reader.db)).toEqual({ firstSeq: 1, count: 2500 });

    writer.db.exec(`UPDATE vector_blocks SET layout = ${CODE_LAYOUT - 1}`);
    const more = notes(1100, 3); // past a block's worth: the write seals one
    await importNotes(writer.store, more);
    expect(reader.db.prepare('SELECT DISTINCT layout FROM vector_blocks').pluck().all()).toEqual([CODE_LAYOUT]);
    expect(await nearest(openProcess().store, more[50]!.content, 1)).toEqual([more[50]!.content]);
  });

  it('loads a namespace ahead of its first search when warmed (a server at start)', async () => {
    const writer = openProcess();
    await importNotes(writer.store, notes(2500));
    writer.db.exec('DELETE FROM vector_blocks'); // as if from before blocks: loading seals them
    const server = openProcess();
    await server.store.warm('team');
    await server.store.close();
    expect(blocks(server.db)).toEqual({ firstSeq: 1, count: 2500 });
  });

  it('keeps the vectors of a transaction that rolled back out of the index', async () => {
    const { store } = openProcess();
    await store.store(scope, { content: 'kept note about pooling' }, embedder.embedSync('kept note about pooling'));
    expect(await nearest(store, 'pooling')).toEqual(['kept note about pooling']);
    const [good, bad] = notes(2);
    await expect(
      store.importMany([good!, bad!], [embedder.embedSync(good!.content), new Float32Array(3)]),
    ).rejects.toThrow(/dimensions/);
    expect(await nearest(store, good!.content)).toEqual(['kept note about pooling']);
  });
});
