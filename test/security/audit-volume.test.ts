import { describe, expect, it } from 'vitest';
import type { AuditEntry, AuditRecord } from '../../src/memory/audit-log.js';
import { AuditRecorder } from '../../src/security/audit-recorder.js';
import { AuditRetention, parseRetentionDays } from '../../src/security/audit-retention.js';
import { createTestEngine } from '../helpers/engine.js';
import { apiKeysFor, call, silentLogger, startTestServer } from '../helpers/server.js';

const team = [
  { agentId: 'busy', namespace: 'lab', role: 'agent' },
  { agentId: 'calm', namespace: 'lab', role: 'agent' },
  { agentId: 'boss', namespace: 'ops', role: 'admin' },
] as const;

const DAY = 86_400_000;
const total = (records: readonly AuditRecord[]) => records.reduce((sum, r) => sum + r.count, 0);

function refusal(overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    at: Date.now(),
    agentId: 'busy',
    namespace: 'lab',
    operation: 'execute',
    pattern: null,
    target: null,
    success: false,
    durationMs: 0.1,
    errorCode: 'RATE_LIMITED',
    surface: 'http',
    ...overrides,
  };
}

describe('refusals in the audit log', () => {
  it('are counted, not written one by one: 300 rate-limited requests make at most 30 rows', async () => {
    const { auth, keys } = apiKeysFor(team);
    const { base, app, engine } = await startTestServer({ auth, rateLimit: { requests: 5, perSeconds: 3600 } });
    const busy = { token: keys['busy']! };
    const statuses: number[] = [];
    for (let i = 0; i < 305; i++) {
      const path = i % 2 === 0 ? '/api/v1/pattern/execute' : '/api/v1/memories/search';
      const body = i % 2 === 0 ? { query: 'recall memories' } : { query: `topic ${i}` };
      statuses.push((await call(base, path, { body, ...busy })).status);
    }
    expect(statuses.filter((s) => s === 429)).toHaveLength(300);
    // Another agent's refusals are its own rows.
    for (let i = 0; i < 6; i++) await call(base, '/api/v1/pattern/stats', { token: keys['calm']! });

    const listed = await call(base, '/api/v1/audit?namespace=lab&limit=1000', { token: keys['boss']! });
    await app.close();
    const rows = await engine.auditTrail().query({ namespace: 'lab', limit: 1000 });
    expect(rows.length).toBeLessThanOrEqual(30);
    const refused = rows.filter((r) => r.agentId === 'busy' && r.errorCode === 'RATE_LIMITED');
    expect(total(refused)).toBe(300);
    expect(new Set(refused.map((r) => r.operation))).toEqual(new Set(['execute', 'memory.search']));
    expect(rows.filter((r) => r.agentId === 'busy' && r.success)).toHaveLength(5);
    expect(total(rows.filter((r) => r.agentId === 'calm'))).toBe(1);
    // Reading the log (as an admin) shows the counts so far, without waiting for the window to end.
    const entries = listed.body['entries'] as Array<{ agent_id: string; count: number; error_code: string | null }>;
    expect(
      entries.filter((e) => e.error_code === 'RATE_LIMITED' && e.agent_id === 'busy').reduce((s, e) => s + e.count, 0),
    ).toBe(300);
  });

  it('count failed authentications per client: 300 guesses make one row', async () => {
    const { auth } = apiKeysFor(team);
    const { base, app, engine } = await startTestServer({ auth, authFailureLimit: null });
    for (let i = 0; i < 300; i++) {
      expect((await call(base, '/api/v1/pattern/stats', { token: `tmws_guess-${i}-Q8vX2mN7pL4rT9wZ` })).status).toBe(
        401,
      );
    }
    await app.close();
    const rows = await engine.auditTrail().query({ operation: 'auth.failure', limit: 1000 });
    expect(rows.map((r) => [r.target, r.errorCode, r.count])).toEqual([['127.0.0.1', 'UNAUTHORIZED', 300]]);
  });

  it('are written when their window ends, or early when too many rows are open', async () => {
    const engine = await createTestEngine();
    const log = engine.auditTrail();
    const recorder = new AuditRecorder(log, silentLogger, { refusalWindowMs: 50, maxOpenTallies: 3 });
    for (let i = 0; i < 10; i++) recorder.tally(refusal());
    await new Promise((resolve) => setTimeout(resolve, 150));
    // No flush: the window's end wrote the row.
    expect((await log.query({ limit: 10 })).map((r) => r.count)).toEqual([10]);
    recorder.tally(refusal());
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect((await log.query({ limit: 10 })).map((r) => r.count)).toEqual([1, 10]);

    // Three distinct rows open at once (each agent, operation, outcome): written at once.
    for (const agentId of ['a', 'b']) recorder.tally(refusal({ agentId }));
    recorder.tally(refusal({ agentId: 'a' }));
    expect(await log.query({ limit: 10 })).toHaveLength(2);
    recorder.tally(refusal({ agentId: 'c' }));
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    const rows = await log.query({ limit: 10 });
    expect(rows.slice(0, 3).map((r) => [r.agentId, r.count])).toEqual([
      ['c', 1],
      ['b', 1],
      ['a', 2],
    ]);
    await recorder.flush();
  });
});

describe('the audit retention', () => {
  it('prunes entries older than the retention at start, in batches, and keeps the rest', async () => {
    const engine = await createTestEngine();
    const log = engine.auditTrail();
    const now = Date.now();
    const old = Array.from({ length: 12_000 }, (_, i) => refusal({ at: now - 200 * DAY + i, count: 1 }));
    await log.append(old);
    await log.append([refusal({ at: now - 91 * DAY, operation: 'just past' })]);
    await log.append([refusal({ at: now - 89 * DAY, operation: 'just kept' }), refusal({ operation: 'today' })]);

    const { app } = await startTestServer({ engine });
    await expect
      .poll(async () => (await log.query({ limit: 10 })).map((r) => r.operation))
      .toEqual(['today', 'just kept']);
    await app.close();
  });

  it('follows its setting, keeps everything at 0, and refuses a bad one', async () => {
    const engine = await createTestEngine();
    const log = engine.auditTrail();
    const now = Date.now();
    await log.append([
      refusal({ at: now - 40 * DAY, operation: 'forty' }),
      refusal({ at: now - 2 * DAY, operation: 'two' }),
    ]);
    const forever = new AuditRetention({ log, days: 0, logger: silentLogger });
    expect(await forever.prune()).toBe(0);
    const month = new AuditRetention({ log, days: 30, logger: silentLogger });
    expect(await month.prune()).toBe(1);
    expect((await log.query({ limit: 10 })).map((r) => r.operation)).toEqual(['two']);
    const day = new AuditRetention({ log, days: 1, logger: silentLogger });
    expect(await day.prune()).toBe(1);

    expect(parseRetentionDays('90')).toBe(90);
    expect(parseRetentionDays('0')).toBe(0);
    for (const bad of ['-1', '1.5', 'ninety', '', '40000']) {
      expect(() => parseRetentionDays(bad), bad).toThrow(/audit retention: expected a whole number of days/);
    }
    await expect(startTestServer({ engine, auditRetentionDays: -3 })).rejects.toThrow(/auditRetentionDays/);
  });
});
