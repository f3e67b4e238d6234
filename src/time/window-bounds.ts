/**
 * @module time/window-bounds
 * The `since` / `until` of the structured APIs (HTTP, MCP, the library, the CLI): an ISO
 * date or date-time, a span back from now (`24h`, `7d`, `2w`, `3mo`, `1y`), or the words a
 * command would use ("yesterday", "last Monday", "Dec 1").
 */
import { ValidationError } from '../errors.js';
import type { WindowSpec } from './periods.js';
import { resolveWindow, type ResolvedWindow } from './resolve-window.js';
import { extractWindows } from './window-phrases.js';

export interface WindowBounds {
  since?: string | undefined;
  until?: string | undefined;
}

const SPAN_BACK = /^(\d{1,6})\s*(h|d|w|mo|y)$/i;
const SPAN_MS: Readonly<Record<string, number>> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };
const ISO_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)$/i;

/** The window `since`/`until` describe at `now` in `zone`; undefined when neither is given. */
export function windowFromBounds(bounds: WindowBounds, now: number, zone: string): ResolvedWindow | undefined {
  const specs: WindowSpec[] = [];
  const parts: string[] = [];
  let from: number | null = null;
  let to: number | null = null;
  for (const edge of ['since', 'until'] as const) {
    const value = bounds[edge]?.trim();
    if (value === undefined || value === '') continue;
    parts.push(`${edge} ${value}`);
    const instant = instantOf(value, now);
    if (instant !== undefined) {
      if (edge === 'since') from = instant;
      else to = instant;
      continue;
    }
    const { text, windows } = extractWindows(`${edge} ${value}`);
    if (windows.length !== 1 || text !== '') {
      throw new ValidationError(
        `${edge}: '${value}' is not a time; use an ISO date or date-time, a span back from now (24h, 7d, 2w, 3mo, 1y) or words such as 'yesterday' or 'last Monday'`,
      );
    }
    specs.push(windows[0]!.spec);
  }
  if (parts.length === 0) return undefined;
  const description = parts.join(' ');
  // Instants alone ("7d", an ISO date-time) need no calendar: a window that never moves.
  const words = specs.length === 0 ? undefined : resolveWindow(specs, description, now, zone);
  const window = {
    from: from ?? words?.from ?? null,
    to: to ?? words?.to ?? null,
    description,
    validUntil: words?.validUntil ?? Infinity,
  };
  if (window.from !== null && window.to !== null && window.from >= window.to) {
    throw new ValidationError(`since: '${bounds.since}' is not before until: '${bounds.until}'`);
  }
  return window;
}

/** An exact instant: an ISO date-time with its offset, or a span back from now. */
function instantOf(value: string, now: number): number | undefined {
  if (ISO_INSTANT.test(value)) {
    const epoch = Date.parse(value);
    if (Number.isNaN(epoch)) throw new ValidationError(`'${value}' is not a valid date-time`);
    return epoch;
  }
  const span = SPAN_BACK.exec(value);
  if (!span) return undefined;
  const count = Number(span[1]);
  const unit = span[2]!.toLowerCase();
  if (unit === 'mo') return shiftMonths(now, -count);
  if (unit === 'y') return shiftMonths(now, -12 * count);
  return now - count * SPAN_MS[unit]!;
}

/** Calendar months back from an instant, in UTC (a span back has no time zone of its own). */
function shiftMonths(now: number, months: number): number {
  const date = new Date(now);
  date.setUTCMonth(date.getUTCMonth() + months);
  return date.getTime();
}
