/**
 * @module routing/write-intent
 * Whether a command asks to change or delete memories: it opens (after a polite lead-in such
 * as "please" or "can you") with one of WRITE_VERBS, or says so further on in a form only a
 * request takes ("the note about X, delete it", "you should forget the X note", "the X note can
 * go"). The planner never lets a read answer such a command, because an agent acts on the
 * answer: a delete served by a read with success would leave it believing the memory gone.
 * A read that merely mentions such a verb as its topic ("notes about how to delete a CRD") is
 * none of these forms; one that is would be refused, never served wrongly.
 */
import { ACTION_VERBS, WRITE_VERBS } from './keywords.js';

const LEAD_IN =
  /^(?:(?:please|pls|kindly|now|ok|okay|hey|just|also|then|so|and|go\s+ahead\s+and|can\s+you|could\s+you|would\s+you|will\s+you|i\s+want\s+(?:you\s+)?to|i'?d\s+like\s+(?:you\s+)?to|i\s+need\s+(?:you\s+)?to|let'?s|help\s+me)\b[\s,]*)*/i;

/** A verb used as a noun ("update on the migration?", "change in latency"): a read after all. */
const AS_NOUN =
  /^(?:update|change|fix|drop|set|mark|link|move|merge|tag)s?\s+(?:on|about|regarding|in|of|log|history|since)\b/i;

/** What an action verb acts on: it is a command, not a noun ("deploy the app", not "deploy notes"). */
const ACTS_ON =
  /^\s+(?:the|a|an|my|our|your|his|her|their|its|this|that|these|those|all|every|each|some|it|them|everything|down|up|off|on|out|back|over|away|to)\b/i;

const VERBS = new Set(WRITE_VERBS);
const ACTIONS = new Set(ACTION_VERBS);
const VERB_LIST = WRITE_VERBS.join('|');
/** "should be removed": the verb a participle says, for the answer's wording. */
const PARTICIPLES: Readonly<Record<string, string>> = {
  deleted: 'delete', removed: 'remove', forgotten: 'forget', erased: 'erase', dropped: 'drop', purged: 'purge',
  discarded: 'discard', wiped: 'wipe', cleared: 'clear', trashed: 'trash', scrapped: 'scrap', scratched: 'scratch',
  tossed: 'toss', ditched: 'ditch', nuked: 'nuke', destroyed: 'destroy', expunged: 'expunge', gone: 'remove',
  changed: 'change', updated: 'update', fixed: 'fix', edited: 'edit', corrected: 'correct', replaced: 'replace',
}; // prettier-ignore
const PARTICIPLE_LIST = Object.keys(PARTICIPLES).join('|');
const COURTESY = /\b(?:please|pls|thanks|thx|now)\b/gi;
const PRONOUN_FIRST = /^\s+(?:it|them|that|this|those|these|both)\b/i;
/** "I want the X note gone", "get the X note out of here": the memory between the words. */
const WHAT_GOES = /\bwant\s+(.+?)\s+(?:gone|removed|deleted)\b|\bget\s+(.+?)\s+out\s+of\s+here\b/i;
/** What a person says around the memory it means: "I think", "we don't need … anymore", "… is wrong". */
const ASIDE =
  /^\s*(?:i\s+think|we\s+(?:don'?t|do\s+not|no\s+longer)\s+need)\b|\b(?:anymore|any\s+more)\b|\s+(?:is|was)\s+(?:wrong|incorrect|outdated|out\s+of\s+date|obsolete)\b/gi;

/**
 * A write verb later in the command, in a form only a request takes: on an object pronoun
 * ("delete it"), opening a clause after a comma or colon, or after "please", addressed to the
 * agent ("you should forget …", "I want you to remove …"), or the memory named as what goes
 * ("the note … should be removed", "… can go", "out of here").
 */
const LATER_REQUEST = new RegExp(
  [
    // Not as a noun: "the change this week", "the fix that landed".
    `(?<!\\b(?:the|a|an|this|that|these|those|our|my|your|any|every|its|their|his|her|last|next|first)\\s+)\\b(${VERB_LIST})\\s+(?:it|them|that|this|those|these|both)\\b`,
    `(?:[,;:]|[.!?]\\s)\\s*(?:(?:please|pls|kindly|just|and|then|now|like)[\\s,]+)*(${VERB_LIST})\\b`,
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
 * The write verb a command opens with ("get rid of" counts as one) or asks for further on (see
 * LATER_REQUEST), or undefined when it does neither.
 */
export function writeIntentVerb(query: string): string | undefined {
  return openingVerb(query) ?? laterRequest(query)?.verb;
}

/**
 * A request said later in a command, put first, as the write patterns read it: "the X note,
 * delete it" → "delete the X note"; "could you, like, delete the X note" → "delete the X note";
 * "X note: please delete" → "delete X note"; "the X note should be removed", "… can go", "I want
 * the X note gone" → "remove the X note". Undefined when the command opens with its verb, or
 * asks for none. Whatever it gives still opens with a write verb, so the guard refuses it if no
 * write pattern serves it.
 */
export function requestFirst(query: string): string | undefined {
  const later = openingVerb(query) === undefined ? laterRequest(query) : undefined;
  if (later === undefined) return undefined;
  const { found, word, verb } = later;
  const rest = query.slice(found.index + found[0].length);
  // "delete it": the pronoun stands for what came before.
  const pronoun = /\s(?:it|them|that|this|those|these|both)$/i.test(found[0]) || PRONOUN_FIRST.test(rest);
  const after = rest.replace(PRONOUN_FIRST, '');
  // The verb with its own object after it: the clause from the verb on.
  if (word !== undefined && VERBS.has(word) && !pronoun && /\w/.test(after.replace(COURTESY, ''))) {
    return query.slice(found.index + found[0].toLowerCase().lastIndexOf(word));
  }
  // Its object is what came before it: "the X note, delete it", "the X note should be removed".
  const object =
    WHAT_GOES.exec(query)
      ?.slice(1)
      .find((group) => group !== undefined) ??
    query
      .slice(0, found.index)
      .replace(ASIDE, '')
      .replace(/[\s,;:.!?-]+$/, '')
      .trim();
  return /\w/.test(object) ? `${verb} ${object}${pronoun ? after : ''}`.trim() : undefined;
}

/** Where LATER_REQUEST found a request, the word it said (a verb or a participle) and its verb. */
function laterRequest(query: string): { found: RegExpExecArray; word?: string; verb: string } | undefined {
  const found = LATER_REQUEST.exec(query);
  if (!found) return undefined;
  const word = found
    .slice(1)
    .find((group) => group !== undefined)
    ?.toLowerCase();
  if (word === undefined) return { found, verb: 'remove' }; // "… can go", "out of here"
  // "…, update log": a verb used as a noun there too.
  if (AS_NOUN.test(query.slice(found.index + found[0].length - word.length))) return undefined;
  return { found, word, verb: PARTICIPLES[word] ?? word };
}

function openingVerb(query: string): string | undefined {
  const rest = query.replace(LEAD_IN, '');
  const verb = /^[a-z]+/i.exec(rest)?.[0].toLowerCase();
  if (verb === undefined || AS_NOUN.test(rest)) return undefined;
  if (VERBS.has(verb)) return verb;
  const after = rest.slice(verb.length);
  if (verb === 'get' && /^\s+rid\s+of\b/i.test(after)) return 'get rid of';
  return ACTIONS.has(verb) && ACTS_ON.test(after) ? verb : undefined;
}
