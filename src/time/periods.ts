/**
 * @module time/periods
 * What a time phrase names, before it is placed on a calendar: the vocabulary shared by the
 * phrase finder (window-phrases.ts) and the resolver (resolve-window.ts).
 */

export type TimeUnit = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';
export type CalendarUnit = Exclude<TimeUnit, 'minute' | 'hour'>;

/** A span of time named in words. */
export type Period =
  /** "the last 3 days", "the past week": from the start of that many units back (a whole day or more) to now. */
  | { kind: 'rolling'; unit: TimeUnit; count: number }
  /** "today" (day, 0), "last week" (week, -1), "2 months ago" (month, -2): a whole calendar unit. */
  | { kind: 'calendar'; unit: CalendarUnit; offset: number }
  /** "Monday" (the latest one, today included), "last Monday" (strictly before today), "this Monday". */
  | { kind: 'weekday'; weekday: number; which: 'latest' | 'before-today' | 'this-week' }
  /** "Dec 1", "1 December 2026", "2026-11-06", "November", "2025": as precise as it was written. */
  | { kind: 'date'; year?: number; month?: number; day?: number }
  /** "this morning" (0, 0–12 h), "yesterday evening" (-1, 18–24 h), "last night" (-1, 18–30 h). */
  | { kind: 'day-part'; offset: number; fromHour: number; toHour: number }
  /** "30 days" in "older than 30 days": the instant that long before now. */
  | { kind: 'age'; unit: TimeUnit; count: number };

/** How a window relates to its period (or periods). */
export type WindowSpec =
  | { relation: 'during' | 'since' | 'after' | 'before' | 'until'; period: Period }
  | { relation: 'between'; from: Period; to: Period };
