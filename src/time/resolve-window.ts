/**
 * @module time/resolve-window
 * Places a window's periods on the calendar of a time zone at a given instant: "yesterday"
 * in Europe/Paris at 00:30 local time is not yesterday in UTC. Calendar arithmetic (weeks
 * starting on Monday, months of different lengths, daylight saving) is Luxon's.
 */
import { createRequire } from 'node:module';
import type * as LuxonModule from 'luxon';
import type { DateTime } from 'luxon';
import { ValidationError } from '../errors.js';
import type { Period, WindowSpec } from './periods.js';

/** A created-time window: `from` inclusive, `to` exclusive, epoch milliseconds; null is open. */
export interface TimeWindow {
  readonly from: number | null;
  readonly to: number | null;
}

export interface ResolvedWindow extends TimeWindow {
  /** The words that named it. */
  readonly description: string;
  /** Until when these bounds hold: calendar words move at midnight, spans of hours sooner. */
  readonly validUntil: number;
}

/** Windows of spans shorter than a day move all the time: results that used one are kept this long at most. */
const SHORT_SPAN_VALIDITY_MS = 60_000;

let serverZone: string | undefined;

/** The server's own time zone, for requests that name none (read once: building a formatter costs microseconds). */
export function serverTimeZone(): string {
  serverZone ??= Intl.DateTimeFormat().resolvedOptions().timeZone;
  return serverZone;
}

/** `zone` if it is an IANA time zone name ("Europe/Paris", "UTC"); a ValidationError naming `field` otherwise. */
export function checkedTimeZone(zone: string, field: string): string {
  if (luxon().IANAZone.isValidZone(zone)) return zone;
  throw new ValidationError(`${field}: '${zone}' is not an IANA time zone name (e.g. 'Europe/Paris', 'UTC')`);
}

/** The window of one or more specs (several intersect) at `now` in `zone`. */
export function resolveWindow(
  specs: readonly WindowSpec[],
  description: string,
  now: number,
  zone: string,
): ResolvedWindow {
  const clock = luxon().DateTime.fromMillis(now, { zone });
  let from: number | null = null;
  let to: number | null = null;
  let short = false;
  for (const spec of specs) {
    const bounds = boundsOf(spec, clock);
    if (bounds.from !== null) from = from === null ? bounds.from : Math.max(from, bounds.from);
    if (bounds.to !== null) to = to === null ? bounds.to : Math.min(to, bounds.to);
    short ||= isShort(spec);
  }
  const midnight = clock.startOf('day').plus({ days: 1 }).toMillis();
  return { from, to, description, validUntil: short ? now + SHORT_SPAN_VALIDITY_MS : midnight };
}

function boundsOf(spec: WindowSpec, clock: DateTime): TimeWindow {
  const now = clock.toMillis();
  // An end at or after now is left open: a memory written a moment later still belongs.
  const upTo = (end: number): number | null => (end >= now ? null : end);
  if (spec.relation === 'between') {
    return { from: periodOf(spec.from, clock).start, to: upTo(periodOf(spec.to, clock).end) };
  }
  const { start, end } = periodOf(spec.period, clock);
  switch (spec.relation) {
    case 'during':
      return { from: start, to: upTo(end) };
    case 'since':
      return { from: start, to: null };
    case 'after':
      return { from: end, to: null };
    case 'before':
      return { from: null, to: start };
    case 'until':
      return { from: null, to: upTo(end) };
  }
}

/** A period's start (inclusive) and end (exclusive) on the clock's calendar. */
function periodOf(period: Period, clock: DateTime): { start: number; end: number } {
  const span = (start: DateTime, unit: 'day' | 'week' | 'month' | 'year') => ({
    start: start.toMillis(),
    end: start.plus({ [`${unit}s`]: 1 }).toMillis(),
  });
  const today = clock.startOf('day');
  switch (period.kind) {
    case 'rolling': {
      // Spans of days or more start at a midnight: "the last 2 days" holds all of the day before yesterday.
      const start =
        period.unit === 'minute' || period.unit === 'hour'
          ? clock.minus({ [`${period.unit}s`]: period.count })
          : today.minus({ [`${period.unit}s`]: period.count });
      return { start: start.toMillis(), end: clock.toMillis() };
    }
    case 'age': {
      const at = clock.minus({ [`${period.unit}s`]: period.count }).toMillis();
      return { start: at, end: at };
    }
    case 'calendar':
      return span(clock.startOf(period.unit).plus({ [`${period.unit}s`]: period.offset }), period.unit);
    case 'day-part': {
      const day = today.plus({ days: period.offset });
      return {
        start: day.plus({ hours: period.fromHour }).toMillis(),
        end: day.plus({ hours: period.toHour }).toMillis(),
      };
    }
    case 'weekday': {
      const back = (clock.weekday - period.weekday + 7) % 7;
      const days =
        period.which === 'this-week'
          ? clock.weekday - period.weekday
          : period.which === 'before-today' && back === 0
            ? 7
            : back;
      return span(today.minus({ days }), 'day');
    }
    case 'date':
      return datePeriod(period, clock);
  }
}

/** A written date, at its precision; a date written without its year is the latest one not in the future. */
function datePeriod(date: Extract<Period, { kind: 'date' }>, clock: DateTime): { start: number; end: number } {
  const unit = date.day !== undefined ? 'day' : date.month !== undefined ? 'month' : 'year';
  const at = (year: number) =>
    luxon().DateTime.fromObject({ year, month: date.month ?? 1, day: date.day ?? 1 }, { zone: clock.zone });
  let start = at(date.year ?? clock.year);
  if (date.year === undefined && start > clock) start = at(clock.year - 1);
  if (!start.isValid) {
    throw new ValidationError(`date: ${start.invalidExplanation ?? 'not a date on the calendar'}`);
  }
  return { start: start.toMillis(), end: start.plus({ [`${unit}s`]: 1 }).toMillis() };
}

function isShort(spec: WindowSpec): boolean {
  const periods = spec.relation === 'between' ? [spec.from, spec.to] : [spec.period];
  return periods.some((p) => (p.kind === 'rolling' || p.kind === 'age') && (p.unit === 'minute' || p.unit === 'hour'));
}

let loaded: typeof LuxonModule | undefined;

/** Loaded on the first window to place: commands without one never pay for it. */
function luxon(): typeof LuxonModule {
  loaded ??= createRequire(import.meta.url)('luxon') as typeof LuxonModule;
  return loaded;
}
