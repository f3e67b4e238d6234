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
  /^(?:(?:please|pls|kindly|now|ok|okay|hey|just|also|then|so|and|go\s+ahead\s+and|(?:can|could)\s+(?:you|we|u)(?:\s+(?:maybe|perhaps|possibly))?|would\s+you(?:\s+mind)?|feel\s+free\s+to|bulk|batch|mass|you'?ll\s+(?:want|need|have)\s+to|quickly|go|will\s+you|mind|(?:would|is)\s+it\s+(?:be\s+)?possible\s+to|i\s+want\s+(?:you\s+)?to|i'?d\s+like\s+(?:you\s+)?to|i\s+need\s+(?:you\s+)?to|let'?s|help\s+me)\b[\s,]*)*/i;

/**
 * A verb used as a noun ("update on the migration?", "change in latency"), or naming a kind of
 * document in a question ("reset procedure for tablets?", "archive policy for footage?"): a read.
 */
const AS_NOUN =
  /^(?:update|change|fix|drop|set|mark|link|move|merge|tag)s?\s+(?:on|about|regarding|in|of|log|history|since)\b|^\w+\s+(?:procedure|policy|process|plan|schedule|job|script|steps|checklist|runbook|window|period|log|history|status|requests?|tickets?|hours|times?)\b[^?]*\?\s*$/i;

/** What an action verb acts on: it is a command, not a noun ("deploy the app", not "deploy notes"). */
const ACTS_ON =
  /^\s+(?:(?:the|a|an|my|our|your|his|her|their|its|this|that|these|those|all|every|each|some|it|them|everything|down|up|off|on|out|back|over|away|to)\b|['"‘“])/i;

/** "text Marco the postmortem", "email bob the note": someone, then what is sent ("send me the …" asks to be shown). */
const TO_SOMEONE =
  /^\s+(?!(?:of|for|on|in|about|from|to|with|at|by|and|or|me|us)\b)[\w.'-]+\s+(?:the|a|an|my|our|this|that|these|those|it|them)\b/i;

/** "remind me tomorrow about …": a reminder to schedule, which the service cannot do ("remind me what …" reads). */
const REMIND_LATER =
  /^\s+me\s+(?:tomorrow|tonight|later|next\s+\w+|in\s+(?:an?|\d+)\s+\w+|on\s+\w+day|at\s+\d|every\s+\w+)\b/i;

/** Verbs of more than one word: "clean up the X note", "do away with …", "bring back …". */
const PHRASAL: ReadonlyArray<[RegExp, string]> = [
  [/^(?:clean|tidy)\s+up\b/i, 'clean up'],
  [/^(?:throw|take|wipe|cross)\s+(?:out|away|off)\b/i, 'remove'],
  [/^do\s+away\s+with\b/i, 'remove'],
  [/^bring\s+back\b/i, 'restore'],
];

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
/** "I want the X note gone", "the user wants the X note changed to: Y": the memory, the participle, the rest. */
const WANTED = new RegExp(
  `\\bwants?\\s+((?:the|that|this|my|our|every|all)\\b.+?)\\s+(${PARTICIPLE_LIST})\\b(.*)$`,
  'i',
);
/** Where one sentence ends and the next begins. */
const SENTENCE_END = /(?<=[.!?])\s+/;
const COURTESY = /\b(?:please|pls|thanks|thx|now)\b/gi;
const PRONOUN_FIRST = /^\s+(?:it|them|that|this|those|these|both)\b/i;
/** "the X note is wrong: it should say Y": the memory, then its new text. */
const CORRECTION =
  /^(.+?\b(?:note|memory|entry|record)\b.*?)(?:\s+(?:is|was)\s+(?:wrong|incorrect|outdated|stale|out\s+of\s+date))?[\s,:;.-]+it\s+should\s+(?:now\s+)?(?:say|read)\s*:?\s*(.+)$/i;
/** "get the X note out of here": the memory between the words. */
const OUT_OF_HERE = /\bget\s+(.+?)\s+out\s+of\s+here\b/i;
/** What a person says around the memory it means: "I think", "we don't need … anymore", "… is wrong". */
const ASIDE =
  /^\s*(?:i\s+think|we\s+(?:don'?t|do\s+not|no\s+longer)\s+need)\b|\b(?:anymore|any\s+more)\b|(?<!\s)\s+(?:is|was)\s+(?:wrong|incorrect|outdated|out\s+of\s+date|obsolete|stale)\b/gi;
/** Asking to forget without a verb of deleting: "don't keep the X note", "the X note should no longer be remembered". */
const NOT_KEPT = [
  /\b(?:i'?d\s+rather\s+you\s+didn'?t|don'?t|do\s+not|stop|no\s+need\s+to)\s+(?:keep|remember|stor)(?:e|ing)?\s+(.+?)[\s.!?]*$/i,
  /^(.+?\S)\s+(?:should|must|can|needs?\s+to)\s+no\s+longer\s+be\s+(?:remembered|kept|stored)\b/i,
];

/**
 * A write verb later in the command, in a form only a request takes, each with one capture (the
 * verb or participle it says). `rewrite: false`: refused when nothing serves it, never put first,
 * since it may be said of the future ("we will need to remove the X note").
 */
const LATER_SHAPES: ReadonlyArray<{ source: string; rewrite: boolean }> = [
  // On an object pronoun, "delete it"; not a noun ("the change this week", "the fix that landed").
  {
    source: `\\b(?<!\\b(?:the|a|an|this|that|these|those|our|my|your|any|every|its|their|his|her|last|next|first)\\s+)(${VERB_LIST})\\s+(?:it|them|that|this|those|these|both)\\b`,
    rewrite: true,
  },
  // Opening a clause after a comma, colon or dash: "could you, like, delete …", "…, so delete …".
  {
    source: `(?:[,;:]|[.!?]\\s|\\s[-–—]+(?!>))\\s*(?:(?:please|pls|kindly|just|and|so|then|now|like|can\\s+you|could\\s+you)[\\s,]+)*(${VERB_LIST})\\b`,
    rewrite: true,
  },
  { source: `\\b(?:please|pls|kindly|go\\s+ahead\\s+and)\\s+(${VERB_LIST})\\b`, rewrite: true },
  // Addressed to the agent: "you should forget …", "I want you to remove …".
  {
    source: `\\b(?:you|u)\\s+(?:should|must|can|could|need\\s+to|have\\s+to|gotta|may)\\s+(?:(?:just|please|now)\\s+)?(${VERB_LIST})\\b`,
    rewrite: true,
  },
  { source: `\\bi\\s+(?:want|need|would\\s+like|'?d\\s+like)\\s+(?:you\\s+)?to\\s+(${VERB_LIST})\\b`, rewrite: true },
  // The memory named as what goes: "the X note should be removed", "… can go".
  {
    source: `(?<=\\b(?:note|memory|entry|record|it|this|that|one))\\s+(?:should|must|can|could|needs?\\s+to|has\\s+to)\\s+(be\\s+(?:${PARTICIPLE_LIST})|go)\\b`,
    rewrite: true,
  },
  // "the user wants the X note deleted", "I want the X note gone".
  {
    source: `\\b(?:wants?|needs?)\\s+(?:the|that|this|my|our|every|all)\\b[^.?!]*\\b(${PARTICIPLE_LIST})\\b`,
    rewrite: true,
  },
  { source: `\\bget\\s+.+?\\s+(out)\\s+of\\s+here\\b`, rewrite: true },
  // A correction: "the X note is wrong: it should say Y" (put first as "change the X note to: Y").
  { source: `\\bit\\s+should\\s+(?:now\\s+)?(say|read)\\b`, rewrite: true },
  // Inline edits, refused: "s/90 days/120 days/ in the X note", "90 days → 120 days in the X note".
  { source: `^\\s*(s)\\/[^/]+\\/[^/]*\\/`, rewrite: false },
  {
    source: `(?:→|->|=>)[^.?!]*?\\s(in)\\s+(?:the|my|our|that|this)\\s+(?:[\\w./'-]+\\s+){0,6}?(?:note|memory|entry|record)\\b`,
    rewrite: false,
  },
  // Shorthand, refused rather than guessed at: "X note -> delete", "X note: gone", "🗑️ X note".
  { source: `(?:->|→|=>)\\s*(${VERB_LIST})\\b`, rewrite: false },
  { source: `:\\s*(gone|deleted|removed)\\s*[.!]?\\s*$`, rewrite: false },
  { source: `^\\s*(🗑️?|❌)`, rewrite: false },
  // Said as no longer needed, refused: "I don't need the X note", "the X note is no longer needed".
  {
    source: `\\b(?:don'?t|do\\s+not|no\\s+longer)\\s+(need)\\s+(?:the|that|this|my|our)\\s+(?:[\\w/'-]+\\s+){0,6}?(?:notes?|memor(?:y|ies)|entry|entries|records?)\\b`,
    rewrite: false,
  },
  {
    source: `\\bno\\s+(need)\\s+for\\s+(?:the|that|this|my|our)\\s+(?:[\\w/'-]+\\s+){0,6}?(?:notes?|memor(?:y|ies)|entry|entries|records?)\\b`,
    rewrite: false,
  },
  {
    source: `(?<=\\b(?:note|memory|entry|record))\\s+(?:is|are)\\s+no\\s+longer\\s+(needed|required|relevant|useful)\\b`,
    rewrite: false,
  },
  // Wished rather than asked, refused: "it'd be great if the X note were gone", "ideally the X note
  // wouldn't be around", "ideally the X note would say: …", "the X note should mention Y too".
  { source: `\\b(?:were|was|be)\\s+(gone|deleted|removed|forgotten)\\b`, rewrite: false },
  { source: `\\bwouldn'?t\\s+be\\s+(around|here|kept)\\b`, rewrite: false },
  { source: `\\bwould\\s+(say|read)\\s*:`, rewrite: false },
  {
    source: `(?<=\\b(?:note|memory|entry|record))\\s+(?:should|must|could)\\s+(?:also\\s+)?(mention|include|say|read|list)\\b`,
    rewrite: false,
  },
  // A verb on a memory, not a mention of one ("how to delete the …", "did we remove the …", "don't delete the …").
  {
    source: `\\b(?<!\\b(?:how|whether|why|when|where|what|decided|did\\s+(?:we|i|you)|about|on|regarding|don'?t|do\\s+not|never|not|won'?t)\\s+(?:to\\s+|we\\s+|i\\s+)?(?:(?:already|ever|just|actually)\\s+)?)(${VERB_LIST})\\s+(?:the|my|our|that|this|every|all|those|these)\\s+(?:[\\w/'-]+\\s+){0,6}?(?:notes?|memor(?:y|ies)|entry|entries|records?)\\b`,
    rewrite: false,
  },
];
/**
 * The shapes put first are looked for before the refused ones: "we don't need the X note, remove
 * it" is served. Each shape is its own expression: joined in one alternation, V8 tried every
 * alternative at every position, 55 ms on a 2,000-character run of spaces (each alone: under 1).
 */
const LATER_REQUESTS = [true, false].map((rewrite) => ({
  rewrite,
  patterns: LATER_SHAPES.filter((shape) => shape.rewrite === rewrite).map((shape) => new RegExp(shape.source, 'i')),
}));
/** "… can go", "get … out of here": a removal. */
const WORD_VERB: Readonly<Record<string, string>> = {
  ...PARTICIPLES,
  go: 'remove', out: 'remove', around: 'remove', here: 'remove', kept: 'remove', '🗑️': 'delete', '🗑': 'delete', '❌': 'delete',
  need: 'remove', needed: 'remove', required: 'remove', relevant: 'remove', useful: 'remove',
  say: 'change', read: 'change', mention: 'change', include: 'change', list: 'change', s: 'change', in: 'change',
}; // prettier-ignore

/**
 * A write command that asks for what the service cannot check or do later: a condition ("if it
 * is out of date", "once the audit closes"), a deferral ("reminder for later:"), or a retraction
 * ("… no wait, keep it"). "if it's mine" is no condition: only the agent's own are ever changed.
 */
const UNSERVABLE =
  /\b(?:if|unless|once|provided\s+that|as\s+soon\s+as)\b(?!\s+(?:it'?s|it\s+is|they'?re|they\s+are)\s+(?:mine|my\s+own)\b)|\b(?:no\s+wait|wait\s*,?\s*no|never\s*mind|scratch\s+that|cancel\s+that|keep\s+it)\b|^\s*(?:reminder|note\s+to\s+self|later)\b/i;
/** Words that only make sure the memory is the agent's own: dropped before the write patterns read it. */
const IF_MINE = /(?<!\s)\s+if\s+(?:it'?s|it\s+is|they'?re|they\s+are)\s+(?:mine|my\s+own)\b/gi;

/**
 * The write or action verb a command opens with or asks for further on ("get rid of" counts as
 * one, "don't keep" asks to forget), or undefined when it does neither.
 */
export function writeIntentVerb(query: string): string | undefined {
  return openingVerb(query) ?? (notKept(query) !== undefined ? 'forget' : laterRequest(query)?.verb);
}

/** The words of a write command that make it one the service cannot serve now (see UNSERVABLE). */
export function unservableCondition(query: string): string | undefined {
  return writeIntentVerb(query) === undefined ? undefined : UNSERVABLE.exec(query)?.[0];
}

/**
 * The command as the write patterns read it, when it asks for a write in another shape: after
 * a lead-in they do not know or as a gerund ("can we get rid of the X note?", "mind deleting the
 * X note?" → "delete the X note"), or said later ("the X note, delete it", "could you, like,
 * delete the X note", "X note: please delete", "the X note should be removed", "… can go", "I want
 * the X note gone" → "remove the X note"; "don't keep the X note" → "forget the X note"; "the user
 * wants the X note changed to: Y" → "change the X note to: Y"). "only … if it's mine" is dropped.
 * Undefined when it is already in that shape or asks for no write. Whatever it gives still opens
 * with a write verb, so the guard refuses it if no write pattern serves it.
 */
export function requestFirst(query: string): string | undefined {
  const said = query
    .replace(IF_MINE, ' ')
    .replace(/^\s*only\s+/i, '')
    .trim();
  const opening = openingVerb(said);
  if (opening !== undefined) return plainOpening(said, opening) ?? (said === query ? undefined : said);
  const kept = notKept(said);
  if (kept !== undefined) return `forget ${kept}`;
  const later = laterRequest(said);
  if (later === undefined || !later.rewrite) return undefined;
  const { found, word, verb } = later;
  const correction = CORRECTION.exec(said);
  if (correction) return `change ${correction[1]} to: ${correction[2]}`;
  const wanted = WANTED.exec(said);
  if (wanted) return withoutQuestionMark(`${verb} ${wanted[1]}${wanted[3]}`.trim());
  const rest = said.slice(found.index + found[0].length);
  // "delete it": the pronoun stands for what came before.
  const pronoun = /\s(?:it|them|that|this|those|these|both)$/i.test(found[0]) || PRONOUN_FIRST.test(rest);
  const after = rest.replace(PRONOUN_FIRST, '');
  // The verb with its own object after it: the clause from the verb on.
  if (WORD_VERB[word] === undefined && !pronoun && /\w/.test(after.replace(COURTESY, ''))) {
    return withoutQuestionMark(said.slice(found.index + found[0].toLowerCase().lastIndexOf(word.split(' ')[0]!)));
  }
  // Its object is what came before it: "the X note, delete it", "the X note should be removed".
  const object =
    OUT_OF_HERE.exec(said)?.[1] ??
    lastSentence(said.slice(0, found.index))
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

/** "Thanks for the summary. The X note is stale." → "The X note is stale.": what "it" points back to. */
function lastSentence(text: string): string {
  return (
    text
      .split(SENTENCE_END)
      .filter((sentence) => /\w/.test(sentence))
      .pop() ?? ''
  );
}

/**
 * How many things a message asks for: its sentences that ask to write, ask a question, or ask
 * to be shown something. A write in a message that asks for more than one is refused.
 */
export function requestsIn(text: string): number {
  const sentences = text.split(SENTENCE_END);
  return sentences.filter((sentence) => writeIntentVerb(sentence) !== undefined || ASKS.test(sentence)).length;
}
/** A sentence that asks something; a topic with a question mark ("that memo about X?") does not. */
const ASKS =
  /^\s*(?:(?:also|and|then|plus|oh|btw)[\s,]+)?(?:please\s+)?(?:how|what|what's|whats|why|when|where|who|which|did|do|does|is|are|was|were|can|could|would|will|any|anything|show|list|find|get|give|tell|recall|search|count)\b/i;

/**
 * A write asked as a question ("can we delete the X note?") is a request: the patterns read it
 * without the mark, unless its new text is itself a question ("… to: are we live?").
 */
function withoutQuestionMark(text: string): string {
  return QUESTION_AS_TEXT.test(text) ? text : text.replace(/\s*\?+\s*$/, '');
}
const QUESTION_AS_TEXT =
  /(?::|\b(?:say|says|read|reads|state)\b:?)\s*(?:are|is|was|were|what|how|why|when|where|who|which|do|does|did|can|could|should|will|would)\b[^:]*\?\s*$/i;

function notKept(query: string): string | undefined {
  for (const pattern of NOT_KEPT) {
    const object = pattern.exec(query)?.[1]?.trim();
    if (object && /\w/.test(object)) return object;
  }
  return undefined;
}

/** Where LATER_REQUESTS found a request: the word it said (a verb or a participle), its verb, and whether to put it first. */
function laterRequest(
  query: string,
): { found: RegExpExecArray; word: string; verb: string; rewrite: boolean } | undefined {
  for (const { rewrite, patterns } of LATER_REQUESTS) {
    const found = leftmost(patterns, query);
    if (!found) continue;
    const word = found[1]!.toLowerCase().replace(/\s+/g, ' ').replace(/^be /, '');
    // "…, update log": a verb used as a noun there too.
    if (AS_NOUN.test(query.slice(found.index + found[0].length - word.length))) continue;
    return { found, word, verb: WORD_VERB[word] ?? word, rewrite };
  }
  return undefined;
}

/** The match that starts first (the first pattern's on a tie), as one alternation of them all would give. */
function leftmost(patterns: readonly RegExp[], text: string): RegExpExecArray | undefined {
  let first: RegExpExecArray | undefined;
  for (const pattern of patterns) {
    const found = pattern.exec(text);
    if (found && (first === undefined || found.index < first.index)) first = found;
  }
  return first;
}

function openingVerb(query: string): string | undefined {
  const rest = query.replace(LEAD_IN, '');
  const said = /^[a-z]+(?![-\w])/i.exec(rest)?.[0].toLowerCase(); // "drop-in hours" opens with no verb
  if (said === undefined || AS_NOUN.test(rest)) return undefined;
  const verb = baseVerb(said);
  if (VERBS.has(verb)) return verb;
  const after = rest.slice(said.length);
  if (verb === 'get' && /^\s+rid\s+of\b/i.test(after)) return 'get rid of';
  const phrasal = PHRASAL.find(([pattern]) => pattern.test(rest));
  if (phrasal) return phrasal[1];
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
