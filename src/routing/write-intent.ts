/**
 * @module routing/write-intent
 * Whether a command asks to change or delete memories, or for another action: it opens (after
 * a lead-in such as "please", "can we" or "mind") with one of WRITE_VERBS, or with one of
 * ACTION_VERBS acting on something, or says so further on in a form only a request takes ("the
 * note about X, delete it", "you should forget the X note", "the X note can go", "don't keep
 * the X note"). The planner never lets a read answer such a command, because an agent acts on
 * the answer: a delete served by a read with success would leave it believing the memory gone.
 * A read that merely mentions such a verb as its topic ("notes about how to delete a CRD") is
 * none of these forms; one that is would be refused, never served wrongly.
 */
import { ACTION_VERBS, WRITE_VERBS } from './keywords.js';

const LEAD_IN =
  /^(?:(?:please|pls|kindly|now|ok|okay|hey|just|also|then|so|and|go\s+ahead\s+and|(?:can|could)\s+(?:you|we|u)|would\s+you(?:\s+mind)?|will\s+you|mind|(?:would|is)\s+it\s+(?:be\s+)?possible\s+to|i\s+want\s+(?:you\s+)?to|i'?d\s+like\s+(?:you\s+)?to|i\s+need\s+(?:you\s+)?to|let'?s|help\s+me)\b[\s,]*)*/i;

/**
 * A verb used as a noun ("update on the migration?", "change in latency"), or naming a kind of
 * document in a question ("reset procedure for tablets?", "archive policy for footage?"): a read.
 */
const AS_NOUN =
  /^(?:update|change|fix|drop|set|mark|link|move|merge|tag)s?\s+(?:on|about|regarding|in|of|log|history|since)\b|^\w+\s+(?:procedure|policy|process|plan|schedule|job|script|steps|checklist|runbook|window|period|log|history|status)\b[^?]*\?\s*$/i;

/** What an action verb acts on: it is a command, not a noun ("deploy the app", not "deploy notes"). */
const ACTS_ON =
  /^\s+(?:the|a|an|my|our|your|his|her|their|its|this|that|these|those|all|every|each|some|it|them|everything|down|up|off|on|out|back|over|away|to)\b/i;

/** "text Marco the postmortem", "email bob the note": someone, then what is sent ("send me the …" asks to be shown). */
const TO_SOMEONE =
  /^\s+(?!(?:of|for|on|in|about|from|to|with|at|by|and|or|me|us)\b)[\w.'-]+\s+(?:the|a|an|my|our|this|that|these|those|it|them)\b/i;

/** "remind me tomorrow about …": a reminder to schedule, which the service cannot do ("remind me what …" reads). */
const REMIND_LATER =
  /^\s+me\s+(?:tomorrow|tonight|later|next\s+\w+|in\s+(?:an?|\d+)\s+\w+|on\s+\w+day|at\s+\d|every\s+\w+)\b/i;

const VERBS = new Set(WRITE_VERBS);
const ACTIONS = new Set(ACTION_VERBS);
const VERB_LIST = [...WRITE_VERBS, 'get\\s+rid\\s+of'].join('|');
/** "should be removed": the verb a participle says, for the answer's wording. */
const PARTICIPLES: Readonly<Record<string, string>> = {
  deleted: 'delete', removed: 'remove', forgotten: 'forget', erased: 'erase', dropped: 'drop', purged: 'purge',
  discarded: 'discard', wiped: 'wipe', cleared: 'clear', trashed: 'trash', scrapped: 'scrap', scratched: 'scratch',
  tossed: 'toss', ditched: 'ditch', nuked: 'nuke', destroyed: 'destroy', expunged: 'expunge', shredded: 'shred',
  gone: 'remove', changed: 'change', updated: 'update', fixed: 'fix', edited: 'edit', corrected: 'correct',
  replaced: 'replace', amended: 'amend', tweaked: 'tweak',
}; // prettier-ignore
const PARTICIPLE_LIST = Object.keys(PARTICIPLES).join('|');
const COURTESY = /\b(?:please|pls|thanks|thx|now)\b/gi;
const PRONOUN_FIRST = /^\s+(?:it|them|that|this|those|these|both)\b/i;
/** "I want the X note gone", "get the X note out of here": the memory between the words. */
const WHAT_GOES = /\bwant\s+(.+?)\s+(?:gone|removed|deleted)\b|\bget\s+(.+?)\s+out\s+of\s+here\b/i;
/** What a person says around the memory it means: "I think", "we don't need … anymore", "… is wrong". */
const ASIDE =
  /^\s*(?:i\s+think|we\s+(?:don'?t|do\s+not|no\s+longer)\s+need)\b|\b(?:anymore|any\s+more)\b|\s+(?:is|was)\s+(?:wrong|incorrect|outdated|out\s+of\s+date|obsolete)\b/gi;
/** Asking to forget without a verb of deleting: "don't keep the X note", "the X note should no longer be remembered". */
const NOT_KEPT = [
  /\b(?:i'?d\s+rather\s+you\s+didn'?t|don'?t|do\s+not|stop|no\s+need\s+to)\s+(?:keep|remember|stor)(?:e|ing)?\s+(.+?)[\s.!?]*$/i,
  /^(.+?)\s+(?:should|must|can|needs?\s+to)\s+no\s+longer\s+be\s+(?:remembered|kept|stored)\b/i,
];

/**
 * A write verb later in the command, in a form only a request takes: on an object pronoun
 * ("delete it"), opening a clause after a comma, colon or dash, or after "please", addressed to
 * the agent ("you should forget …", "I want you to remove …"), or the memory named as what goes
 * ("the note … should be removed", "… can go", "out of here").
 */
const LATER_REQUEST = new RegExp(
  [
    // Not as a noun: "the change this week", "the fix that landed".
    `(?<!\\b(?:the|a|an|this|that|these|those|our|my|your|any|every|its|their|his|her|last|next|first)\\s+)\\b(${VERB_LIST})\\s+(?:it|them|that|this|those|these|both)\\b`,
    `(?:[,;:]|[.!?]\\s|\\s[-–—]+)\\s*(?:(?:please|pls|kindly|just|and|then|now|like)[\\s,]+)*(${VERB_LIST})\\b`,
    `\\b(?:please|pls|kindly|go\\s+ahead\\s+and)\\s+(${VERB_LIST})\\b`,
    `\\b(?:you|u)\\s+(?:should|must|can|could|need\\s+to|have\\s+to|gotta|may)\\s+(?:(?:just|please|now)\\s+)?(${VERB_LIST})\\b`,
    `\\bi\\s+(?:want|need|would\\s+like|'?d\\s+like)\\s+(?:you\\s+)?to\\s+(${VERB_LIST})\\b`,
    `(?<=\\b(?:note|memory|entry|record|it|this|that|one))\\s+(?:should|must|can|could|needs?\\s+to|has\\s+to)\\s+(?:be\\s+(${PARTICIPLE_LIST})|go)\\b`,
    `\\b(?:want|need)\\s+(?:the|that|this|my|our)\\b[^.?!]*\\b(gone|removed|deleted)\\b`,
    `\\bout\\s+of\\s+here\\b`,
  ].join('|'),
  'i',
);

/**
 * The write or action verb a command opens with or asks for further on ("get rid of" counts as
 * one, "don't keep" asks to forget), or undefined when it does neither.
 */
export function writeIntentVerb(query: string): string | undefined {
  return openingVerb(query) ?? (notKept(query) !== undefined ? 'forget' : laterRequest(query)?.verb);
}

/**
 * The command as the write patterns read it, when it asks for a write in another shape: after
 * a lead-in they do not know or as a gerund ("can we get rid of the X note?", "mind deleting the
 * X note?" → "delete the X note"), or said later ("the X note, delete it", "could you, like,
 * delete the X note", "X note: please delete", "the X note should be removed", "… can go", "I want
 * the X note gone" → "remove the X note"; "don't keep the X note" → "forget the X note").
 * Undefined when it is already in that shape or asks for no write. Whatever it gives still opens
 * with a write verb, so the guard refuses it if no write pattern serves it.
 */
export function requestFirst(query: string): string | undefined {
  const opening = openingVerb(query);
  if (opening !== undefined) return plainOpening(query, opening);
  const kept = notKept(query);
  if (kept !== undefined) return `forget ${kept}`;
  const later = laterRequest(query);
  if (later === undefined) return undefined;
  const { found, word, verb } = later;
  const rest = query.slice(found.index + found[0].length);
  // "delete it": the pronoun stands for what came before.
  const pronoun = /\s(?:it|them|that|this|those|these|both)$/i.test(found[0]) || PRONOUN_FIRST.test(rest);
  const after = rest.replace(PRONOUN_FIRST, '');
  // The verb with its own object after it: the clause from the verb on.
  if (word !== undefined && PARTICIPLES[word] === undefined && !pronoun && /\w/.test(after.replace(COURTESY, ''))) {
    return withoutQuestionMark(query.slice(found.index + found[0].toLowerCase().lastIndexOf(word.split(/\s/)[0]!)));
  }
  // Its object is what came before it: "the X note, delete it", "the X note should be removed".
  const object =
    WHAT_GOES.exec(query)
      ?.slice(1)
      .find((group) => group !== undefined) ??
    query
      .slice(0, found.index)
      .replace(ASIDE, '')
      .replace(/[\s,;:.!?–—-]+$/, '')
      .trim();
  return /\w/.test(object) ? withoutQuestionMark(`${verb} ${object}${pronoun ? after : ''}`.trim()) : undefined;
}

/** "can we get rid of the X note?" → "get rid of the X note"; "mind deleting …" → "delete …". */
function plainOpening(query: string, verb: string): string | undefined {
  const rest = query.replace(LEAD_IN, '');
  const said = /^[a-z]+/i.exec(rest)![0];
  const plain = withoutQuestionMark(said.toLowerCase().endsWith('ing') ? verb + rest.slice(said.length) : rest);
  return plain === query ? undefined : plain;
}

/** A write asked as a question ("can we delete the X note?") is a request: the patterns read it without the mark. */
function withoutQuestionMark(text: string): string {
  return text.replace(/\s*\?+\s*$/, '');
}

function notKept(query: string): string | undefined {
  for (const pattern of NOT_KEPT) {
    const object = pattern.exec(query)?.[1]?.trim();
    if (object && /\w/.test(object)) return object;
  }
  return undefined;
}

/** Where LATER_REQUEST found a request, the word it said (a verb or a participle) and its verb. */
function laterRequest(query: string): { found: RegExpExecArray; word?: string; verb: string } | undefined {
  const found = LATER_REQUEST.exec(query);
  if (!found) return undefined;
  const word = found
    .slice(1)
    .find((group) => group !== undefined)
    ?.toLowerCase()
    .replace(/\s+/g, ' ');
  if (word === undefined) return { found, verb: 'remove' }; // "… can go", "out of here"
  // "…, update log": a verb used as a noun there too.
  if (AS_NOUN.test(query.slice(found.index + found[0].length - word.length))) return undefined;
  return { found, word, verb: PARTICIPLES[word] ?? word };
}

function openingVerb(query: string): string | undefined {
  const rest = query.replace(LEAD_IN, '');
  const said = /^[a-z]+/i.exec(rest)?.[0].toLowerCase();
  if (said === undefined || AS_NOUN.test(rest)) return undefined;
  const verb = baseVerb(said);
  if (VERBS.has(verb)) return verb;
  const after = rest.slice(said.length);
  if (verb === 'get' && /^\s+rid\s+of\b/i.test(after)) return 'get rid of';
  if (verb === 'remind' && REMIND_LATER.test(after)) return 'remind';
  return ACTIONS.has(verb) && (ACTS_ON.test(after) || TO_SOMEONE.test(after)) ? verb : undefined;
}

/** "deleting" → "delete", "dropping" → "drop", "forgetting" → "forget"; any other word as it is. */
function baseVerb(word: string): string {
  if (!word.endsWith('ing') || VERBS.has(word)) return word;
  const stem = word.slice(0, -3);
  const candidates = [stem, `${stem}e`, stem.slice(0, -1)];
  return candidates.find((verb) => VERBS.has(verb) || ACTIONS.has(verb)) ?? word;
}
