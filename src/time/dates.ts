/**
 * @module time/dates
 * Written dates at the start of a text ("Dec 1", "1 December 2026", "2026-11-06", "12/1",
 * "November", "Nov 2025", "2025"), read by chrono-node, the standard natural-language date
 * parser for JavaScript. Only the parts that were written are kept: the resolver places them
 * on the calendar of the request's time zone.
 */
import { createRequire } from 'node:module';
import type { ParsedComponents } from 'chrono-node';
import type * as ChronoEn from 'chrono-node/en';
import type { Period } from './periods.js';

type DatePeriod = Extract<Period, { kind: 'date' }>;

export interface ParsedDate {
  period: DatePeriod;
  /** Set when the text wrote a range ("Dec 1 to Dec 3", "Dec 1-3"). */
  to?: DatePeriod;
  /** Characters of the text that said it. */
  length: number;
}

/** chrono is consulted only for a text that opens like a date: a digit or a month's name. */
const MONTH = String.raw`(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b`;
/** "Wednesday, December 2": a weekday before a date is part of it. */
const WEEKDAY_BEFORE = String.raw`(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?`;
const LOOKS_LIKE_DATE = new RegExp(String.raw`^${WEEKDAY_BEFORE}(?:the\s+)?(?:\d|${MONTH})`, 'i');
const YEAR = /^(?:19|20)\d\d\b(?![-/.:]\d)/;

/** The date written at the start of `text`, or undefined. */
export function parseDate(text: string): ParsedDate | undefined {
  if (!LOOKS_LIKE_DATE.test(text)) return undefined;
  const year = YEAR.exec(text);
  if (year) return { period: { kind: 'date', year: Number(year[0]) }, length: year[0].length };
  // chrono reads "the 1st of December" from "1st": the article belongs to the phrase all the same.
  const article = /^the\s+/i.exec(text)?.[0].length ?? 0;
  const [first] = chrono().casual.parse(text.slice(article), REFERENCE, { forwardDate: false });
  if (!first || first.index !== 0) return undefined;
  const period = writtenParts(first.start);
  if (!period) return undefined;
  const to = first.end && writtenParts(first.end);
  return { period, ...(to && { to }), length: article + first.text.length };
}

/** The year, month and day a date gave, or undefined when it gave neither a month nor a day. */
function writtenParts(components: ParsedComponents): DatePeriod | undefined {
  const part = (name: 'year' | 'month' | 'day'): number | undefined =>
    components.isCertain(name) ? (components.get(name) ?? undefined) : undefined;
  const [year, month, day] = [part('year'), part('month'), part('day')];
  if (month === undefined && day === undefined) return undefined;
  return {
    kind: 'date',
    ...(year !== undefined && { year }),
    ...(month !== undefined && { month }),
    ...(day !== undefined && { day }),
  };
}

/** Only the written parts are read, so the reference instant never shows through. */
const REFERENCE = new Date(Date.UTC(2000, 0, 1));

let loaded: typeof ChronoEn | undefined;

/**
 * Loaded on the first date to read (~60 ms): most commands name none, and start-up time is
 * what every CLI run pays. The CommonJS build, so that loading can be synchronous.
 */
function chrono(): typeof ChronoEn {
  loaded ??= createRequire(import.meta.url)('chrono-node/en') as typeof ChronoEn;
  return loaded;
}
