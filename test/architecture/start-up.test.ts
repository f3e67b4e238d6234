import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The built package in a child process (`npm test` builds first): vitest's own module loader
 * would hide what Node loads. Prints the packages under node_modules that were loaded.
 */
function packagesLoadedBy(script: string): string[] {
  const probe = `
    import { createRequire } from 'node:module';
    ${script}
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    console.log(JSON.stringify([...new Set(loaded.map((f) => /node_modules\\/([^/]+)/.exec(f)?.[1]).filter(Boolean))]));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out) as string[];
}

describe('start-up', () => {
  it('serves without Redis and without loading the Redis client', () => {
    const loaded = packagesLoadedBy(`
      const { createPatternExecutionEngine } = await import('./dist/index.js');
      const { createGateway } = await import('./dist/gateway/create-gateway.js');
      const { createLogger } = await import('./dist/logging.js');
      const engine = await createPatternExecutionEngine({ databaseUrl: ':memory:' });
      const gateway = await createGateway({ engine, rateLimit: { requests: 5, perSeconds: 1 }, logger: createLogger('silent') });
      await gateway.close();
    `);
    // The probe sees CommonJS packages: better-sqlite3 is one, so an empty list means a broken probe.
    expect(loaded).toContain('better-sqlite3');
    expect(loaded).not.toContain('ioredis');
  });

  it('imports memories from the CLI without loading the YAML parser (only pattern, lexicon and auth files need it)', () => {
    const loaded = packagesLoadedBy(`
      const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
      const { join } = await import('node:path');
      const { tmpdir } = await import('node:os');
      const { runCli } = await import('./dist/cli/program.js');
      const dir = mkdtempSync(join(tmpdir(), 'tmws-start-up-'));
      writeFileSync(join(dir, 'notes.jsonl'), JSON.stringify({ content: 'a note' }));
      const quiet = { write: () => true };
      const code = await runCli(['--db', join(dir, 'db.sqlite'), '--embedder', 'hashing', 'memory', 'import', join(dir, 'notes.jsonl')], { stdout: quiet, stderr: quiet });
      rmSync(dir, { recursive: true, force: true });
      if (code !== 0) throw new Error('import failed: ' + code);
    `);
    expect(loaded).toContain('better-sqlite3');
    expect(loaded).not.toContain('yaml');
  });
});
