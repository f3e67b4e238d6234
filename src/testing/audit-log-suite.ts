import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../memory/audit-log.js';
import type { AuditLogUnderTest } from './subjects.js';

export interface AuditLogSuiteOptions {
  name: string;
  /** A log for one test; entries carry a unique namespace per test. */
  open: () => Promise<AuditLogUnderTest>;
}

/**
 * The behaviour every AuditLog must share. Entries carry a unique namespace per test, so
 * backends on a shared server stay isolated; the factory's cleanup removes its own data.
 */
export function auditLogSuite({ name: backend, open: create }: AuditLogSuiteOptions): void {
  describe(`AuditLog contract: ${backend}`, () => {
    let subject: AuditLogUnderTest;
    let ns: string;
    const entry = (overrides: Partial<AuditEntry> = {}): AuditEntry => ({
      at: Date.parse('2026-01-01T00:00:00Z'),
      agentId: 'alice',
      namespace: ns,
      operation: 'execute',
      pattern: 'recall_memory',
      target: null,
      success: true,
      durationMs: 1.5,
      errorCode: null,
      surface: 'http',
      ...overrides,
    });

    beforeEach(async () => {
      subject = await create();
      ns = `audit-${Math.random().toString(36).slice(2, 10)}`;
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    it('returns what was appended, newest first, with ids', async () => {
      await subject.log.append([
        entry({ operation: 'first' }),
        entry({ operation: 'second', success: false, errorCode: 'FORBIDDEN' }),
      ]);
      await subject.log.append([entry({ operation: 'third', target: 'memory-1', pattern: null })]);
      const records = await subject.log.query({ namespace: ns, limit: 10 });
      expect(records.map((r) => r.operation)).toEqual(['third', 'second', 'first']);
      expect(records[0]).toMatchObject({ target: 'memory-1', pattern: null, agentId: 'alice', surface: 'http' });
      expect(records[1]).toMatchObject({ success: false, errorCode: 'FORBIDDEN', durationMs: 1.5 });
      expect(records[0]!.id).toBeGreaterThan(records[1]!.id);
    });

    it('filters by agent, operation, pattern, outcome and time, and pages by id', async () => {
      const t0 = Date.parse('2026-01-01T00:00:00Z');
      await subject.log.append([
        entry({ agentId: 'alice', at: t0 }),
        entry({ agentId: 'bob', at: t0 + 1000, operation: 'memory.store', pattern: null }),
        entry({ agentId: 'bob', at: t0 + 2000, success: false, errorCode: 'RATE_LIMITED' }),
        entry({ agentId: 'alice', at: t0 + 3000, pattern: 'health_check' }),
      ]);
      const q = (filter: Record<string, unknown>) => subject.log.query({ namespace: ns, limit: 10, ...filter });
      expect(await q({ agentId: 'bob' })).toHaveLength(2);
      expect(await q({ operation: 'memory.store' })).toHaveLength(1);
      expect(await q({ pattern: 'health_check' })).toHaveLength(1);
      expect((await q({ success: false }))[0]!.errorCode).toBe('RATE_LIMITED');
      expect(await q({ since: t0 + 1000, until: t0 + 3000 })).toHaveLength(2);
      const [newest, next] = await q({ limit: 2 });
      const rest = await q({ beforeId: next!.id });
      expect(rest).toHaveLength(2);
      expect(rest.every((r) => r.id < next!.id && r.id < newest!.id)).toBe(true);
      expect(await subject.log.query({ namespace: `${ns}-other`, limit: 10 })).toEqual([]);
    });

    it('accepts an empty append', async () => {
      await subject.log.append([]);
      expect(await subject.log.query({ namespace: ns, limit: 10 })).toEqual([]);
    });

    it('cannot be rewritten behind its back, nor lose an entry less than a day old', async (context) => {
      if (!subject.tamper) context.skip('this backend gives the test no direct access');
      await subject.log.append([entry({ at: Date.now() - 3_600_000 })]);
      await expect(subject.tamper!.update()).rejects.toThrow(/append-only/);
      await expect(subject.tamper!.remove()).rejects.toThrow(/append-only/);
      expect(await subject.log.query({ namespace: ns, limit: 10 })).toHaveLength(1);
    });

    it('keeps how many operations an entry stands for (1 unless said)', async () => {
      await subject.log.append([entry({ operation: 'one' }), entry({ operation: 'tally', count: 42 })]);
      const records = await subject.log.query({ namespace: ns, limit: 10 });
      expect(records.map((r) => [r.operation, r.count])).toEqual([
        ['tally', 42],
        ['one', 1],
      ]);
    });

    it('prunes entries older than a cutoff, oldest first, a batch at a time', async () => {
      // The year 2000: older than anything other tests leave in a shared database.
      const at = (date: string) => Date.parse(`${date}T00:00:00Z`);
      await subject.log.append([
        entry({ at: at('2000-03-01'), operation: 'march' }),
        entry({ at: at('2000-01-01'), operation: 'january' }),
        entry({ at: at('2000-02-01'), operation: 'february' }),
        entry({ at: at('2000-12-01'), operation: 'december' }),
        entry({ at: Date.now(), operation: 'today' }),
      ]);
      const left = async () => (await subject.log.query({ namespace: ns, limit: 10 })).map((r) => r.operation);
      expect(await subject.log.prune!(at('2000-06-01'), 2)).toBe(2);
      expect(await left()).toEqual(['today', 'december', 'march']);
      expect(await subject.log.prune!(at('2000-06-01'), 2)).toBe(1);
      expect(await subject.log.prune!(at('2000-06-01'), 2)).toBe(0);
      expect(await left()).toEqual(['today', 'december']);
    });
  });
}
