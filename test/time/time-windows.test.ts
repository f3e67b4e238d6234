import { describe, expect, it } from 'vitest';
import { resolveWindow } from '../../src/time/resolve-window.js';
import { windowFromBounds } from '../../src/time/window-bounds.js';
import { extractWindows } from '../../src/time/window-phrases.js';

// Sunday 6 December 2026, 21:00 in Paris (20:00 UTC).
const NOW = Date.parse('2026-12-06T20:00:00Z');
const PARIS = 'Europe/Paris';
const paris = (local: string) => Date.parse(`${local}+01:00`);

/** The text left and the window as [from, to] in Paris local time ('' for open). */
function read(query: string, zone = PARIS, now = NOW) {
  const { text, windows } = extractWindows(query);
  if (windows.length === 0) return { text, window: undefined };
  const window = resolveWindow(
    windows.map((w) => w.spec),
    windows.map((w) => w.phrase).join(' '),
    now,
    zone,
  );
  return { text, window: [window.from, window.to], description: window.description };
}

describe('time windows in commands', () => {
  it.each([
    // calendar words: whole days, weeks (from Monday) and months of the request's zone
    ['notes from today', 'notes', [paris('2026-12-06T00:00:00'), null]],
    ["yesterday's deploy notes", 'deploy notes', [paris('2026-12-05T00:00:00'), paris('2026-12-06T00:00:00')]],
    ['anything about deploys from this week?', 'anything about deploys?', [paris('2026-11-30T00:00:00'), null]],
    ['what changed last week', 'what changed', [paris('2026-11-23T00:00:00'), paris('2026-11-30T00:00:00')]],
    ['recall decisions this month', 'recall decisions', [paris('2026-12-01T00:00:00'), null]],
    ['notes during last month', 'notes', [paris('2026-11-01T00:00:00'), paris('2026-12-01T00:00:00')]],
    ['notes from the day before yesterday', 'notes', [paris('2026-12-04T00:00:00'), paris('2026-12-05T00:00:00')]],
    // spans up to now: whole days back from midnight, hours exactly
    ['notes from the last 2 days', 'notes', [paris('2026-12-04T00:00:00'), null]],
    ['in the past 24 hours what broke', 'what broke', [NOW - 24 * 3_600_000, null]],
    ['recall perf notes over the last 2 weeks', 'recall perf notes', [paris('2026-11-22T00:00:00'), null]],
    ['incidents in the past week', 'incidents', [paris('2026-11-29T00:00:00'), null]],
    ['notes from the last few days', 'notes', [paris('2026-12-03T00:00:00'), null]],
    ['notes within 7 days', 'notes', [NOW - 7 * 86_400_000, null]],
    ['recent security notes', 'security notes', [paris('2026-11-06T00:00:00'), null]],
    // anchored to a day or a date
    ['recall perf notes since last Monday', 'recall perf notes', [paris('2026-11-30T00:00:00'), null]],
    ['notes since Monday', 'notes', [paris('2026-11-30T00:00:00'), null]],
    ['notes on Sunday', 'notes', [paris('2026-12-06T00:00:00'), null]],
    ['notes after Dec 1', 'notes', [paris('2026-12-02T00:00:00'), null]],
    ['notes since 1 December 2026', 'notes', [paris('2026-12-01T00:00:00'), null]],
    ['notes before 2026-11-06', 'notes', [null, paris('2026-11-06T00:00:00')]],
    ['notes until yesterday', 'notes', [null, paris('2026-12-06T00:00:00')]],
    ['notes older than 30 days', 'notes', [null, NOW - 30 * 86_400_000]],
    ['notes from 2 weeks ago', 'notes', [paris('2026-11-16T00:00:00'), paris('2026-11-23T00:00:00')]],
    [
      'what did we decide in November?',
      'what did we decide?',
      [paris('2026-11-01T00:00:00'), paris('2026-12-01T00:00:00')],
    ],
    ['notes from 2025', 'notes', [paris('2025-01-01T00:00:00'), paris('2026-01-01T00:00:00')]],
    // a date without its year is the latest one not in the future
    ['notes since Dec 25', 'notes', [paris('2025-12-25T00:00:00'), null]],
    // ranges
    [
      'memories between Nov 1 and Nov 15 about redis',
      'memories about redis',
      [paris('2026-11-01T00:00:00'), paris('2026-11-16T00:00:00')],
    ],
    ['notes from Dec 1 to Dec 3', 'notes', [paris('2026-12-01T00:00:00'), paris('2026-12-04T00:00:00')]],
    ['notes since Nov 20 before Dec 1', 'notes', [paris('2026-11-20T00:00:00'), paris('2026-12-01T00:00:00')]],
  ])('%s', (query, text, window) => {
    const found = read(query);
    expect(found.text).toBe(text);
    expect(found.window).toEqual(window);
  });

  it.each([
    'recall notes on redis',
    'the 3 most recent notes about redis',
    'check database health',
    'compare caching and pooling',
    'notes for the march release',
    'find similar to sat solver heuristics',
    'how many notes in all',
  ])('finds no window in "%s"', (query) => {
    expect(read(query).window).toBeUndefined();
    expect(read(query).text).toBe(query);
  });

  it('places calendar words in the request time zone', () => {
    // 00:30 on Monday in Tokyo is still Sunday in UTC.
    const now = Date.parse('2026-12-06T15:30:00Z');
    expect(read('notes from today', 'Asia/Tokyo', now).window).toEqual([Date.parse('2026-12-06T15:00:00Z'), null]);
    expect(read('notes from today', 'UTC', now).window).toEqual([Date.parse('2026-12-06T00:00:00Z'), null]);
  });

  it('keeps a window good until the next midnight, or a minute for spans of hours', () => {
    const { windows } = extractWindows('notes from yesterday');
    const daily = resolveWindow([windows[0]!.spec], 'yesterday', NOW, PARIS);
    expect(daily.validUntil).toBe(paris('2026-12-07T00:00:00'));
    const hourly = extractWindows('notes from the last 3 hours').windows;
    expect(resolveWindow([hourly[0]!.spec], 'x', NOW, PARIS).validUntil).toBe(NOW + 60_000);
  });
});

describe('since and until of the structured APIs', () => {
  it('takes spans back from now, ISO dates and date-times, and words', () => {
    expect(windowFromBounds({ since: '7d' }, NOW, PARIS)).toMatchObject({ from: NOW - 7 * 86_400_000, to: null });
    expect(windowFromBounds({ since: '24h', until: '1h' }, NOW, PARIS)).toMatchObject({
      from: NOW - 86_400_000,
      to: NOW - 3_600_000,
    });
    expect(windowFromBounds({ since: '2w' }, NOW, PARIS)?.from).toBe(NOW - 14 * 86_400_000);
    expect(windowFromBounds({ since: '1mo' }, NOW, PARIS)?.from).toBe(Date.parse('2026-11-06T20:00:00Z'));
    expect(windowFromBounds({ until: '2026-12-01T08:00:00Z' }, NOW, PARIS)).toMatchObject({
      from: null,
      to: Date.parse('2026-12-01T08:00:00Z'),
    });
    expect(windowFromBounds({ since: '2026-12-01' }, NOW, PARIS)?.from).toBe(paris('2026-12-01T00:00:00'));
    expect(windowFromBounds({ since: 'last Monday', until: 'yesterday' }, NOW, PARIS)).toMatchObject({
      from: paris('2026-11-30T00:00:00'),
      to: paris('2026-12-06T00:00:00'),
    });
    expect(windowFromBounds({}, NOW, PARIS)).toBeUndefined();
  });

  it('refuses what is not a time, and a since after its until, naming them', () => {
    expect(() => windowFromBounds({ since: 'banana' }, NOW, PARIS)).toThrow(/since: 'banana' is not a time/);
    expect(() => windowFromBounds({ until: '7x' }, NOW, PARIS)).toThrow(/until: '7x' is not a time/);
    expect(() => windowFromBounds({ since: '1d', until: '2d' }, NOW, PARIS)).toThrow(/is not before until/);
    expect(() => windowFromBounds({ since: '2026-13-45T00:00:00Z' }, NOW, PARIS)).toThrow(/not a valid date-time/);
  });
});
