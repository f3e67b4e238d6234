import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import {
  createPatternExecutionEngine,
  openMemoryStore,
  type EngineOptions,
  type MemoryStoreOptions,
  type OpenedMemoryStore,
  type PatternExecutionEngine,
} from '../../src/index.js';

/**
 * Engines created here are closed after each test, and their temporary directories removed,
 * so tests never share state or leave files behind.
 */
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** Runs `cleanup` after the current test, before what was registered earlier (last in, first out). */
export function onCleanup(cleanup: () => Promise<void> | void): void {
  cleanups.push(cleanup);
}

/** An engine on a private in-memory SQLite database unless the test says otherwise (a `store` or a `databaseUrl`). */
export async function createTestEngine(options: EngineOptions = {}): Promise<PatternExecutionEngine> {
  const engine = await createPatternExecutionEngine(options.store ? options : { databaseUrl: ':memory:', ...options });
  cleanups.push(() => engine.close());
  return engine;
}

/** A fresh directory, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tmws-test-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A clock tests can move forward. */
export function manualClock(start = Date.parse('2026-01-01T00:00:00Z')): {
  now: () => number;
  advance(ms: number): void;
} {
  let current = start;
  return { now: () => current, advance: (ms) => void (current += ms) };
}

/**
 * A private in-memory SQLite store the test holds (to spy on it or read it behind the engine),
 * closed after the test, after any engine made on it later.
 */
export async function openTestStore(options: MemoryStoreOptions = {}): Promise<OpenedMemoryStore> {
  const opened = await openMemoryStore(':memory:', options);
  cleanups.push(() => opened.close());
  return opened;
}

/** An engine on a store the test opened (openTestStore), with the store's embedder and logs. */
export function createEngineOn(
  opened: OpenedMemoryStore,
  options: Omit<EngineOptions, 'store' | 'embedder'> = {},
): Promise<PatternExecutionEngine> {
  const { store, embedder, auditLog, executionLog } = opened;
  return createTestEngine({ store, embedder, auditLog, executionLog, ...options });
}

/**
 * An engine built on a store wrapper that records which store methods were called, for
 * tests that prove what an execution does or does not touch.
 */
export async function createSpiedEngine(): Promise<{
  engine: PatternExecutionEngine;
  calls: string[];
}> {
  const opened = await openTestStore();
  const engine = await createEngineOn(opened);
  const calls: string[] = [];
  const { store } = opened;
  for (const method of [
    'store',
    'importMany',
    'get',
    'delete',
    'search',
    'nearest',
    'count',
    'exportAll',
    'purgeExpired',
    'ping',
  ] as const) {
    const original = (store[method] as (...args: unknown[]) => unknown).bind(store);
    (store as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      calls.push(method);
      return original(...args);
    };
  }
  return { engine, calls };
}
