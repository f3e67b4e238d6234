import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import {
  ConflictError,
  PatternDefinition,
  patternFileJsonSchema,
  readPatternFiles,
  ValidationError,
} from '../../src/index.js';
import { createTestEngine, tempDir } from '../helpers/engine.js';

const HEALTH = `
- name: health_check
  pattern_type: infrastructure
  action: health
  trigger_pattern: '\\bcheck\\s+health\\b'
  cost_tokens: 30
  priority: 10
  cache_ttl: 60
`;

const STATUS = `
- name: status_probe
  pattern_type: infrastructure
  action: health
  trigger_pattern: '\\bcheck\\s+health\\b'
  cost_tokens: 20
  priority: 10
  cache_ttl: 60
`;

function writePatterns(dir: string, file: string, text: string): string {
  const path = join(dir, file);
  writeFileSync(path, text);
  return path;
}

describe('pattern files', () => {
  it('report every problem with its file, line and column', async () => {
    const dir = tempDir();
    writePatterns(
      dir,
      'a.yaml',
      `patterns:
  - name: fine
    pattern_type: memory
    trigger_pattern: fine
    cost_tokens: 1
  - name: Bad Name
    pattern_type: quantum
    trigger_pattern: ok
    cost_tokens: -1
  - name: lookaround
    pattern_type: memory
    trigger_pattern: '(?=x)y'
    cost_tokens: 1
  - name: undeclared
    pattern_type: memory
    trigger_pattern: 'tag (?<tag>\\w+)'
    cost_tokens: 1
    parameters:
      ghost: { type: integer }
extra: true
`,
    );
    writePatterns(
      dir,
      'b.json',
      JSON.stringify([{ name: 'fine', pattern_type: 'memory', trigger_pattern: 'x', cost_tokens: 1 }]),
    );
    writePatterns(dir, 'c.yml', 'patterns: [ {name: broken\n');
    const report = await readPatternFiles(dir);
    const where = report.issues.map((i) => `${i.file.slice(dir.length + 1)}:${i.line}:${i.column} ${i.message}`);
    expect(where).toEqual([
      "a.yaml:20:1 unknown top-level key 'extra'; expected patterns (and $schema)",
      'a.yaml:6:11 name: must start with a lowercase letter and use only a-z, 0-9 and _',
      expect.stringMatching(/^a\.yaml:7:19 pattern_type: Invalid option/),
      expect.stringMatching(/^a\.yaml:9:18 cost_tokens: Too small/),
      expect.stringMatching(/^a\.yaml:12:22 trigger_pattern: lookahead\/lookbehind assertions are not supported/),
      expect.stringMatching(/^a\.yaml:19:14 parameters\.ghost: the trigger has no named group/),
      "b.json:1:2 pattern 'fine' is already defined at " + join(dir, 'a.yaml') + ':2',
      expect.stringMatching(/^c\.yml:2:1 Flow map in block collection/),
      expect.stringMatching(/^c\.yml:2:1 Flow sequence in block collection/),
    ]);
    expect(report.patterns.map((p) => p.name)).toEqual(['fine']);
  });

  it('accept a $schema key and the declared parameters', async () => {
    const dir = tempDir();
    const path = writePatterns(
      dir,
      'p.json',
      JSON.stringify({
        $schema: './node_modules/tmws-patterns/schema/pattern-file.schema.json',
        patterns: [
          {
            name: 'top',
            pattern_type: 'memory',
            trigger_pattern: String.raw`top\s+(?<n>\d+)`,
            cost_tokens: 1,
            action: 'recall',
            params: { note: 'x' },
            parameters: { n: { type: 'integer', max: 10 } },
          },
        ],
      }),
    );
    const report = await readPatternFiles(path);
    expect(report.issues).toEqual([]);
    expect(report.patterns[0]?.parameters).toEqual({ n: { type: 'integer', max: 10 } });
  });

  it('skip directories and dotfiles in a directory, and report unreadable files as issues', async () => {
    const dir = tempDir();
    writePatterns(dir, 'health.yaml', HEALTH);
    mkdirSync(join(dir, 'sub.yaml'));
    symlinkSync(join(dir, 'missing.yaml'), join(dir, '.#health.yaml')); // an editor's lock file
    const report = await readPatternFiles(dir);
    expect(report.issues).toEqual([]);
    expect(report.patterns.map((p) => p.name)).toEqual(['health_check']);
    symlinkSync(join(dir, 'missing.yaml'), join(dir, 'dangling.yaml'));
    const broken = await readPatternFiles(dir);
    expect(broken.issues).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/^cannot read the file: ENOENT/) }),
    ]);
  });

  it('resolve YAML aliases and check the $schema key', async () => {
    const dir = tempDir();
    const aliased = writePatterns(
      dir,
      'aliases.yaml',
      `patterns:
  - name: first
    pattern_type: memory
    trigger_pattern: &t '\\bsame\\b'
    cost_tokens: 1
  - name: second
    pattern_type: memory
    trigger_pattern: *t
    cost_tokens: 1
`,
    );
    const report = await readPatternFiles(aliased);
    expect(report.issues).toEqual([]);
    expect(report.patterns.map((p) => p.triggerPattern)).toEqual(['\\bsame\\b', '\\bsame\\b']);
    const badSchema = writePatterns(dir, 'schema.yaml', `$schema: 5\npatterns: []\n`);
    expect((await readPatternFiles(badSchema)).issues).toEqual([
      expect.objectContaining({ line: 1, message: '$schema: expected a string (a URL or path)' }),
    ]);
  });

  it('have a committed JSON Schema generated from the loader schema (run `npm run schema` after changing it)', () => {
    const committed: unknown = JSON.parse(
      readFileSync(new URL('../../schema/pattern-file.schema.json', import.meta.url), 'utf8'),
    );
    expect(committed).toEqual(patternFileJsonSchema());
  });
});

describe('engine.reloadPatterns', () => {
  it('swaps the files in and never serves a cached result of the old set', async () => {
    const dir = tempDir();
    const path = writePatterns(dir, 'patterns.yaml', HEALTH);
    const engine = await createTestEngine({ patterns: path });
    expect((await engine.execute('check health')).cacheHit).toBe(false);
    expect((await engine.execute('check health')).cacheHit).toBe(true);

    writePatterns(dir, 'patterns.yaml', STATUS);
    const before = engine.registry.version;
    await expect(engine.reloadPatterns()).resolves.toEqual({
      version: before + 1,
      patterns: 1,
      added: ['status_probe'],
      removed: ['health_check'],
    });
    const after = await engine.execute('check health');
    expect(after).toMatchObject({ patternName: 'status_probe', cacheHit: false, tokensUsed: 20 });

    // Keys hold the set's fingerprint, not the version: reloading the same content keeps
    // valid results, while any change to the content makes them unreachable.
    expect((await engine.execute('check health')).cacheHit).toBe(true);
    await engine.reloadPatterns();
    expect((await engine.execute('check health')).cacheHit).toBe(true);
    writePatterns(dir, 'patterns.yaml', STATUS.replace('cost_tokens: 20', 'cost_tokens: 21'));
    await engine.reloadPatterns();
    expect((await engine.execute('check health')).cacheHit).toBe(false);
  });

  it('leaves the old set in place when a file is bad, and says why', async () => {
    const dir = tempDir();
    const path = writePatterns(dir, 'patterns.yaml', HEALTH);
    const engine = await createTestEngine({ patterns: path });
    const version = engine.registry.version;
    writePatterns(dir, 'patterns.yaml', HEALTH.replace('cost_tokens: 30', 'cost_tokens: lots'));
    const failure = engine.reloadPatterns();
    await expect(failure).rejects.toThrow(ValidationError);
    await expect(failure).rejects.toThrow(
      /patterns\.yaml:6:16 \(pattern #1\): cost_tokens: Invalid input: expected number/,
    );
    expect(engine.registry.version).toBe(version);
    expect((await engine.execute('check health')).patternName).toBe('health_check');
  });

  it('keeps patterns registered at run time, and refuses a file that would shadow one', async () => {
    const dir = tempDir();
    const path = writePatterns(dir, 'patterns.yaml', HEALTH);
    const engine = await createTestEngine({ patterns: path });
    engine.registry.register(
      PatternDefinition.fromConfig({
        name: 'status_probe',
        pattern_type: 'memory',
        trigger_pattern: 'probe',
        cost_tokens: 1,
      }),
    );
    await engine.reloadPatterns();
    expect(engine.registry.has('status_probe')).toBe(true);
    writePatterns(dir, 'patterns.yaml', STATUS);
    await expect(engine.reloadPatterns()).rejects.toThrow(ConflictError);
    expect(engine.registry.get('health_check')).toBeDefined();
  });

  it('is refused for an engine not created from files', async () => {
    const engine = await createTestEngine();
    await expect(engine.reloadPatterns()).rejects.toThrow(/not created from pattern files/);
  });

  it('reloads on its own when watching, and keeps the old set on a bad edit', async () => {
    const dir = tempDir();
    writePatterns(dir, 'a.yaml', HEALTH);
    const logs: Array<{ msg: string }> = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
    const engine = await createTestEngine({ patterns: dir, watchPatterns: true, logger });
    writePatterns(dir, 'b.yaml', STATUS.replace('status_probe', 'other_probe').replace('check', 'probe'));
    await vi.waitFor(() => expect(engine.registry.has('other_probe')).toBe(true), { timeout: 10_000, interval: 50 });
    const version = engine.registry.version;
    writePatterns(dir, 'b.yaml', 'patterns: [');
    await vi.waitFor(
      () => expect(logs.map((l) => l.msg)).toContain('pattern files not reloaded; the previous set stays'),
      { timeout: 10_000, interval: 50 },
    );
    expect(engine.registry.version).toBe(version);
    expect(engine.registry.has('other_probe')).toBe(true);
  });
});
