/**
 * @module time/window-phrases
 * Finds the time window an agent's command names ("from the last 2 days", "since last Monday",
 * "between Nov 1 and Nov 15", "yesterday's", "older than 30 days") and where it sits in the
 * text, so the window can be taken out of the topic. Purely syntactic: no clock. Calendar
 * words and spans of units are read here; written dates ("Dec 1", "1 December 2026",
 * "2026-11-06", "November") by chrono-node (dates.ts).
 */
import { numberFromWords } from '../text.js';
import { parseDate } from './dates.js';
import type { Period, TimeUnit, WindowSpec } from './periods.js';

/** A window found in a text: what it means and the characters that said it. */
export interface FoundWindow {
  readonly spec: WindowSpec;
  /** The words that named it, as written. */
  readonly phrase: string;
  readonly start: number;
  readonly end: number;
}

/** The text without the window's words, and the window (several phrases intersect). */
export interface WindowedText {
  readonly text: string;
  readonly windows: readonly FoundWindow[];
}

/** Counts a span may be written with; numberFromWords reads them. */
const NUMBER_WORD_LIST =
  'a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|fifteen|twenty|thirty|few|couple|several';
const NUMBER = String.raw`\d{1,4}|a\s+couple(?:\s+of)?|couple(?:\s+of)?|a\s+few|${NUMBER_WORD_LIST}`;
const UNIT = String.raw`minutes?|mins?|hours?|hrs?|days?|weeks?|wks?|months?|mos?|years?|yrs?`;
const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** Cheap first look: a text without any of these words names no window. */
const MAYBE_TIME =
  /\b(?:since|after|before|until|till|til|up|between|from|during|on|in|within|older|newer|younger|ago|today|tonight|yesterday|morning|afternoon|evening|night|weeks?|months?|years?|days?|hours?|minutes?|recent|recently|lately|monday|tuesday|wednesday|thursday|friday|saturday|sunday|jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|september|october|november|december|\d{4})\b/i;

/** Words that open a window phrase, and how the window relates to the period after them. */
const CONNECTIVE =
  /\b(since|after|starting(?:\s+(?:from|on|at))?|beginning(?:\s+(?:on|at))?|as\s+of|from|before|until|till|til|up\s+(?:to|until)|prior\s+to|earlier\s+than|on|in|during|throughout|between|within|over|across|for|older\s+than|newer\s+than|younger\s+than|more\s+than|less\s+than)\s+/gi;

type Connective =
  'since' | 'after' | 'from' | 'before' | 'until' | 'on' | 'in' | 'span' | 'between' | 'older' | 'newer';

function connectiveOf(word: string): Connective {
  const w = word.toLowerCase().replace(/\s+/g, ' ');
  if (w === 'since' || w.startsWith('starting') || w.startsWith('beginning') || w === 'as of') return 'since';
  if (w === 'after') return 'after';
  if (w === 'from') return 'from';
  if (w === 'before' || w === 'prior to' || w === 'earlier than') return 'before';
  if (w === 'until' || w === 'till' || w === 'til' || w.startsWith('up ')) return 'until';
  if (w === 'on') return 'on';
  if (w === 'in' || w === 'during' || w === 'throughout') return 'in';
  if (w === 'between') return 'between';
  if (w === 'over' || w === 'across' || w === 'for') return 'span';
  if (w === 'within' || w === 'newer than' || w === 'younger than' || w === 'less than') return 'newer';
  return 'older';
}

/** Finds every window phrase in `text` and returns the text without them. */
export function extractWindows(text: string): WindowedText {
  if (!MAYBE_TIME.test(text)) return { text, windows: [] };
  const found = [...connectivePhrases(text), ...standalonePhrases(text)];
  // Longest first at each place; then keep the phrases that do not overlap one already kept.
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const windows: FoundWindow[] = [];
  for (const window of found) {
    const last = windows[windows.length - 1];
    if (!last || window.start >= last.end) windows.push(window);
  }
  if (windows.length === 0) return { text, windows };
  let rest = '';
  let at = 0;
  for (const window of windows) {
    rest += `${text.slice(at, window.start)} `;
    at = window.end;
  }
  rest += text.slice(at);
  return { text: tidy(rest), windows };
}

/** "since X", "between X and Y", "from X to Y", "on X", "older than X"… */
function* connectivePhrases(text: string): Generator<FoundWindow> {
  for (const match of text.matchAll(CONNECTIVE)) {
    const connective = connectiveOf(match[1]!);
    const slot = match.index + match[0].length;
    const first = periodAt(text, slot, connective);
    if (!first) continue;
    // "prod deploys on Friday" is about Fridays; "notes on Friday", "what I wrote on Friday" are a window.
    if (connective === 'on' && first.period.kind === 'weekday' && !saidOfMemories(text.slice(0, match.index))) {
      continue;
    }
    let end = first.end;
    let spec: WindowSpec | undefined;
    const joiner = connective === 'between' ? /^\s+and\s+/i : /^\s*(?:to|until|till|through|-|–)\s*/i;
    const joined = connective === 'between' || connective === 'from' ? joiner.exec(text.slice(end)) : null;
    const second = joined ? periodAt(text, end + joined[0].length, 'since') : undefined;
    if (first.to) spec = { relation: 'between', from: first.period, to: first.to };
    else if (second) {
      spec = { relation: 'between', from: first.period, to: second.period };
      end = second.end;
    } else if (connective === 'between') continue;
    else spec = specFor(connective, first.period);
    if (!spec) continue;
    end = afterPossessive(text, end);
    yield { spec, phrase: text.slice(match.index, end), start: match.index, end };
  }
}

function specFor(connective: Connective, period: Period): WindowSpec | undefined {
  switch (connective) {
    case 'since':
      return { relation: 'since', period };
    case 'after':
      return { relation: 'after', period };
    case 'before':
      return { relation: 'before', period };
    case 'until':
      return { relation: 'until', period };
    case 'from':
    case 'on':
    case 'in':
    case 'span':
      return { relation: 'during', period };
    case 'older':
      return { relation: 'before', period };
    case 'newer':
      return { relation: 'since', period };
    case 'between':
      return undefined;
  }
}

/** Calendar words and spans that name a window on their own: "yesterday", "the past 3 days", "2 weeks ago". */
function* standalonePhrases(text: string): Generator<FoundWindow> {
  const starts =
    /\b(?:the|this|last|past|previous|preceding|today|tonight|yesterday|recent|recently|lately|\d{1,4}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|fifteen|twenty|thirty|few|couple|several|earlier)\b/gi;
  for (const match of text.matchAll(starts)) {
    const found = periodAt(text, match.index, 'alone');
    if (!found) continue;
    const end = afterPossessive(text, found.end);
    yield {
      spec: { relation: 'during', period: found.period },
      phrase: text.slice(match.index, end),
      start: match.index,
      end,
    };
  }
}

interface PeriodAt {
  period: Period;
  /** A range written as one date ("Dec 1 to Dec 3"): its last period. */
  to?: Period;
  end: number;
}

/**
 * The period named at `pos`, if any, as it may follow `context` (a connective, or nothing).
 * Readers are tried in order; the first that fits wins.
 */
function periodAt(text: string, pos: number, context: Connective | 'alone'): PeriodAt | undefined {
  const rest = text.slice(pos);
  const at = (period: Period, length: number): PeriodAt => ({ period, end: pos + length });

  const span = SPAN.exec(rest);
  if (span) {
    const [whole, article, which, count, unitWord] = span;
    const unit = unitOf(unitWord!);
    const word = which!.toLowerCase();
    // "last week" is a calendar week; "the last week", "the past week", "last 7 days" are spans up to now.
    if (
      count === undefined &&
      article === undefined &&
      (word === 'last' || word === 'previous') &&
      unit !== 'minute' &&
      unit !== 'hour'
    ) {
      return at({ kind: 'calendar', unit, offset: -1 }, whole.length);
    }
    return at({ kind: 'rolling', unit, count: count === undefined ? 1 : numberOf(count) }, whole.length);
  }

  const ago = AGO.exec(rest);
  if (ago) {
    const unit = unitOf(ago[2]!);
    const count = numberOf(ago[1]!);
    if (unit === 'minute' || unit === 'hour') return at({ kind: 'age', unit, count }, ago[0].length);
    return at({ kind: 'calendar', unit, offset: -count }, ago[0].length);
  }

  const calendar = CALENDAR.exec(rest);
  if (calendar) return at(calendarPeriod(calendar[0]), calendar[0].length);

  if (context === 'older' || context === 'newer') {
    const age = AGE.exec(rest);
    return age ? at({ kind: 'age', unit: unitOf(age[2]!), count: numberOf(age[1]!) }, age[0].length) : undefined;
  }
  if (context === 'alone') {
    // "the 3 most recent notes" orders; it names no window.
    const recent = /\bmost\s+$/i.test(text.slice(0, pos)) ? null : RECENT.exec(rest);
    return recent ? at({ kind: 'rolling', unit: 'day', count: RECENT_DAYS }, recent[0].length) : undefined;
  }
  if (context === 'span') return undefined;

  // A written date first: "Wednesday, December 2" is that date, not the latest Wednesday.
  const date = parseDate(rest);
  if (date) {
    // "on" names a day; "in" and "during" a month or a year.
    if (context === 'on' && date.period.day === undefined) return undefined;
    if (context === 'in' && date.period.day !== undefined && !date.to) return undefined;
    return { ...at(date.period, date.length), ...(date.to && { to: date.to }) };
  }
  const weekday = WEEKDAY.exec(rest);
  if (weekday) {
    const which = weekday[1]?.toLowerCase();
    return at(
      {
        kind: 'weekday',
        weekday: WEEKDAYS.indexOf(weekday[2]!.toLowerCase()) + 1,
        which: which === 'this' ? 'this-week' : which === undefined ? 'latest' : 'before-today',
      },
      weekday[0].length,
    );
  }
  return undefined;
}

/** Words after which a day names when memories were written, not what they are about. */
const OF_MEMORIES = new RegExp(
  String.raw`(?:^|\b(?:notes?|memor(?:y|ies)|entries|items|records|things|everything|anything|something|stuff)\b(?:\s+\S+){0,2}|` +
    String.raw`\b(?:wrote|written|write|stored|saved|noted|recorded|added|created|logged|said|decided|discussed|agreed|learned|came\s+in|happened)\b(?:\s+\S+)?)\s*$`,
  'i',
);

/** Whether the words before a day's name speak of the memories themselves (or there are none). */
function saidOfMemories(before: string): boolean {
  return OF_MEMORIES.test(before.trim());
}

/** "recently", "lately", "recent": the same default as the temporal analysis. */
export const RECENT_DAYS = 30;

const SPAN = new RegExp(
  String.raw`^(the\s+|this\s+)?(last|past|previous|preceding)\s+(?:(${NUMBER})\s+)?(${UNIT})\b`,
  'i',
);
const AGO = new RegExp(String.raw`^(${NUMBER})\s+(${UNIT})\s+ago\b`, 'i');
const AGE = new RegExp(String.raw`^(${NUMBER})\s+(${UNIT})(?:\s+(?:old|ago))?\b`, 'i');
const CALENDAR =
  /^(?:(?:this|yesterday)\s+(?:morning|afternoon|evening)|tonight|last\s+night|earlier\s+today|today|(?:the\s+)?day\s+before\s+yesterday|yesterday|(?:this|current|last|previous)\s+(?:week|month|year)|(?:the\s+)?(?:current|previous)\s+(?:week|month|year))\b/i;
/** Hours of the day the parts of a day cover; a night runs into the next morning. */
const DAY_PARTS: Readonly<Record<string, [number, number]>> = {
  morning: [0, 12],
  afternoon: [12, 18],
  evening: [18, 24],
  tonight: [18, 24],
  night: [18, 30],
};
const RECENT = /^(?:recent(?:ly)?|lately)\b/i;
const WEEKDAY = new RegExp(String.raw`^(?:(last|this|past|previous)\s+)?(${WEEKDAYS.join('|')})\b`, 'i');

function calendarPeriod(words: string): Period {
  const w = words.toLowerCase().replace(/\s+/g, ' ').replace(/^the /, '');
  const part = /(morning|afternoon|evening|tonight|night)$/.exec(w)?.[1];
  if (part !== undefined) {
    const [from, to] = DAY_PARTS[part]!;
    return { kind: 'day-part', offset: /^(yesterday|last)/.test(w) ? -1 : 0, fromHour: from, toHour: to };
  }
  if (w === 'day before yesterday') return { kind: 'calendar', unit: 'day', offset: -2 };
  if (w === 'yesterday') return { kind: 'calendar', unit: 'day', offset: -1 };
  const unit = /(week|month|year)$/.exec(w)?.[1] as 'week' | 'month' | 'year' | undefined;
  if (unit) return { kind: 'calendar', unit, offset: /^(last|previous)/.test(w) ? -1 : 0 };
  return { kind: 'calendar', unit: 'day', offset: 0 };
}

function unitOf(word: string): TimeUnit {
  const w = word.toLowerCase();
  if (w.startsWith('mi')) return 'minute';
  if (w.startsWith('h')) return 'hour';
  if (w.startsWith('d')) return 'day';
  if (w.startsWith('w')) return 'week';
  if (w.startsWith('mo')) return 'month';
  return 'year';
}

function numberOf(word: string): number {
  return numberFromWords(word) ?? 1;
}

/** "yesterday's notes": the possessive belongs to the window phrase. */
function afterPossessive(text: string, end: number): number {
  const possessive = /^['’]s\b/.exec(text.slice(end));
  return possessive ? end + possessive[0].length : end;
}

/** Spaces collapsed, and no space left before punctuation or dangling at the ends. */
function tidy(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/\s+([?!.,;:])/g, '$1')
    .replace(/^[\s,;:]+|[\s,;:]+$/g, '')
    .trim();
}
