/** The in-process index's tokens and stems against FTS5's own, word for word, on real prose. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { fts5Tokens } from '../../src/memory/full-text/fts5-tokens.js';
import { porterStem } from '../../src/memory/full-text/porter-stemmer.js';

/** FTS5's tokens of each text, in order, read back through fts5vocab. */
function fts5TokensOf(texts: readonly string[]): string[][] {
  const db = new Database(':memory:');
  db.exec(`CREATE VIRTUAL TABLE t USING fts5(c, tokenize = 'porter unicode61');
           CREATE VIRTUAL TABLE v USING fts5vocab(t, instance);`);
  const insert = db.prepare('INSERT INTO t (rowid, c) VALUES (?, ?)');
  db.transaction(() => texts.forEach((text, i) => insert.run(i + 1, text)))();
  const tokens = texts.map((): string[] => []);
  for (const { doc, term } of db.prepare('SELECT doc, term FROM v ORDER BY doc, offset').all() as Array<{
    doc: number;
    term: string;
  }>) {
    tokens[doc - 1]!.push(term);
  }
  db.close();
  return tokens;
}

/** The project's documentation and every README shipped in node_modules: a few hundred thousand words of English. */
function realProse(): string[] {
  const root = join(import.meta.dirname, '../..');
  const files = ['README.md', 'docs/scaling.md', 'docs/serving.md', 'docs/matching.md', 'bench/README.md'].map((f) =>
    join(root, f),
  );
  const modules = join(root, 'node_modules');
  for (const name of readdirSync(modules)) {
    const packages = name.startsWith('@') ? readdirSync(join(modules, name)).map((p) => join(name, p)) : [name];
    for (const p of packages) {
      const readme = join(modules, p, 'README.md');
      try {
        readFileSync(readme);
        files.push(readme);
      } catch {
        // no README
      }
    }
  }
  const eval_ = JSON.parse(readFileSync(join(root, 'eval/memories.json'), 'utf8')) as unknown;
  const memories = (Array.isArray(eval_) ? eval_ : (eval_ as { memories: unknown[] }).memories) as Array<{
    content: string;
  }>;
  return [...files.flatMap((f) => readFileSync(f, 'utf8').split('\n')), ...memories.map((m) => m.content)];
}

describe('FTS5 tokens in process', () => {
  it("equals FTS5's porter unicode61 tokens on real prose, emoji aside", () => {
    // FTS5's Unicode 6.1 tables count most emoji as token characters; JavaScript's do not.
    const texts = realProse().filter((t) => !/[\p{Extended_Pictographic}\u{1F000}-\u{1FAFF}]/u.test(t));
    const expected = fts5TokensOf(texts);
    const mismatches = texts.filter((text, i) => fts5Tokens(text).join(' ') !== expected[i]!.join(' '));
    expect(expected.flat().length).toBeGreaterThan(200_000);
    expect(mismatches).toEqual([]);
  });

  it("stems every distinct word of that prose as FTS5's porter tokenizer does", () => {
    const words = [...new Set(realProse().flatMap((t) => t.toLowerCase().match(/[a-z]+/g) ?? []))];
    const expected = fts5TokensOf(words).map((t) => t.join(' '));
    expect(words.length).toBeGreaterThan(10_000);
    expect(words.map(porterStem).filter((stem, i) => stem !== expected[i])).toEqual([]);
  });

  it('folds case and Latin diacritics as unicode61 does, and keeps other scripts', () => {
    const texts = ['Café DÉJÀ-VU naïve', 'Ärger über Öl', 'ёлка Москва', 'µs ſtop', 'e\u0301cole', 'İstanbul'];
    expect(texts.map((t) => fts5Tokens(t))).toEqual(fts5TokensOf(texts));
  });
});
