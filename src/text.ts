/** Words of a text: lowercased runs of letters and digits (so "auth-service" is "auth", "service"). */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * English function words, interrogatives and conversational filler: they carry no topic in
 * an agent's query ("how did we decide on X?"). Written by hand rather than taken from a
 * stop-word package, because those lists also drop words that are topics here ("system",
 * "information", "memory", "index", "report"); a domain word never belongs in this list.
 */
const STOP_WORDS = new Set(
  (
    'a an the and or but nor so yet if then than as at by for from in into onto of off on out over under ' +
    'to up down with without within about above below after before between during through via per ' +
    'is am are was were be been being do does did doing done have has had having ' +
    'can could shall should will would may might must ought need needs ' +
    'i me my mine myself we us our ours ourselves you your yours he him his she her it its they them their ' +
    'this that these those there here such own same other another each every either neither both ' +
    'what which who whom whose when where why how whether ' +
    'all any some no not none only just also too very more most much many few lot lots ' +
    'again ever never always still already yet even ' +
    'please thanks thank hi hello hey ok okay whats ' +
    'anything something everything nothing anyone someone everyone thing things stuff ' +
    'tell remind summarise summarize know remember recall let get got make made go going gone say said ' +
    's t d ll m re ve w don didn doesn isn aren wasn weren won wouldn shouldn couldn can cannot'
  ).split(' '),
);

/**
 * Chat a person says before the command itself, which an agent forwards as is: "ok so", "hmm
 * actually", "fyi", "lmk", "btw", "quick question:", "quick count:". Words that are also
 * topics ("well", "right", "hello") count only with a comma or colon after them. Only at the
 * start, so no text to be written loses a word.
 */
const CHATTER =
  /^(?:(?:ok(?:ay)?|so|hmm*|um+|uh+|oh|ah|actually|btw|fyi|lmk|hey|yeah|yep|oops|anyway)(?:[\s,:;.!]+|$)|(?:well|right|alright|wait|sorry|hi|hello|yo|quick\s+(?:question|q|one))[,:;.!]+\s*|quick\s+(?=\w+\s*:))+/i;
/** "re: the photo mode, what do we know": the subject named first, email style. */
const REGARDING_FIRST = /^re:\s*([^,]+?)\s*,\s*(.+)$/i;
/** A command framed as a task or addressed to the agent: "Task: …", "Agent, …". */
const FRAME =
  /^(?:(?:task|request|instruction|command|todo|to-do)\s*:\s*|(?:agent|assistant|bot|claude)\s*[,:]\s*|@[\w-]+[,:]?\s+)/i;
/**
 * Markdown around the first word ("**delete** the X note", "\`forget\` the X note"), and a message
 * wrapped in parentheses. The words after the first keep their marks and emoji: they may be text
 * to store.
 */
const MARKED_FIRST = /^\s*(\*\*|__|`)(\w+)\1/;
const WRAPPED = /^\((.+)\)$/s;
/** Structured forms: "[delete] X" and "action=forget target='X'" → "delete X", "forget X". */
const BRACKETED = /^\[(\w+)\]\s*(.+)$/;
const KEY_VALUE = /^action\s*[=:]\s*['"]?(\w+)['"]?[\s,;]+target\s*[=:]\s*['"]?(.+?)['"]?\s*$/i;

/**
 * The command without the chat around it: CHATTER and a frame ("Task:", "Agent,") dropped,
 * "re: X, <command>" read as "<command> about X", and the structured forms "[verb] X" and
 * "action=verb target=X" as "verb X". The text itself when nothing is left.
 */
export function withoutChatter(query: string): string {
  const bare = query.replace(MARKED_FIRST, '$2').trim();
  const unwrapped = WRAPPED.exec(bare)?.[1] ?? bare;
  const stripped = unwrapped.replace(CHATTER, '').replace(FRAME, '');
  if (stripped.trim() === '') return query;
  const regarding = REGARDING_FIRST.exec(stripped);
  if (regarding) return `${regarding[2]} about ${regarding[1]}`;
  const structured = BRACKETED.exec(stripped) ?? KEY_VALUE.exec(stripped);
  return structured ? `${structured[1]} ${structured[2]}` : stripped;
}

/** A function word, interrogative or filler: no topic, and never a tag's name ("the tags I use"). */
export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word.toLowerCase());
}

/**
 * The command frame an agent puts before its topic ("recall all memories about", "search for",
 * "find notes on"): dropped only there, so "memory" or "search" later in a query stay topics.
 */
const COMMAND_FRAME =
  /^\s*(?:please\s+)?(?:(?:recall|retrieve|fetch|find|search(?:\s+for)?|look\s+(?:up|for)|show(?:\s+me)?|get|list)\b\s*)?(?:(?:all|any|the|my|our|every)\b\s*)*(?:(?:memories|memory|notes|note|items|entries|things)\b\s*)?(?:(?:about|on|regarding|concerning|related\s+to|for|of|that\s+mention|mentioning)\b\s*)?/i;

/** A query without its command frame: what it is about, in the agent's own words. */
export function topicText(text: string): string {
  return text.replace(COMMAND_FRAME, ' ').trim();
}

/** The topic words of a query, in order, without duplicates, its command frame or filler. */
export function topicWords(text: string): string[] {
  return [...new Set(words(topicText(text)).filter((w) => !STOP_WORDS.has(w)))];
}

const INTERROGATIVE =
  /^\s*(?:how|what|what's|whats|why|when|where|who|whom|whose|which|did|do|does|is|are|was|were|should|shall|can|could|would|will|have|has|had|am|any|anything|(?:please\s+)?(?:tell|remind|explain|describe|summari[sz]e|show|display|find|give\s+me|pull\s+up|bring\s+up|(?:i'?m\s+)?(?:looking|searching)\s+for)\b)\b/i;

/**
 * A question: ends with "?" or opens with an interrogative or auxiliary ("how do we…", "did
 * we…"), or asks to be told or shown ("tell me about…", "remind me…", "explain…", "show me…",
 * "pull up…", "looking for…").
 */
export function isQuestion(text: string): boolean {
  return /\?\s*$/.test(text) || INTERROGATIVE.test(text);
}

/**
 * Conversation rather than a request for knowledge: every topic word is small talk
 * ("how are you?", "is it nice out today?"). Such questions are not searched for.
 */
const SMALL_TALK = new Set(
  (
    'weather nice good great fine bad day today tomorrow yesterday morning afternoon evening night weekend ' +
    'doing feel feeling feelings going up new life lunch dinner breakfast coffee tea name old joke funny ' +
    'sunny rainy raining cold hot warm outside out time late'
  ).split(' '),
);

export function isSmallTalk(text: string): boolean {
  return topicWords(text).every((w) => SMALL_TALK.has(w));
}

/** Canonical form used in cache keys: trimmed, single-spaced, lowercased. */
export function normalizeQuery(query: string): string {
  return query.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Strips the commonest English inflections, so "patterns" and "pattern" compare equal. */
export function stem(word: string): string {
  if (word.length > 5 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith('ed')) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

const NUMBER_WORDS: Readonly<Record<string, number>> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, fourteen: 14, fifteen: 15, twenty: 20, thirty: 30, few: 3, 'a few': 3, couple: 2,
  'a couple': 2, 'couple of': 2, 'a couple of': 2, several: 3, single: 1,
}; // prettier-ignore

/** A count written in digits or words ("5", "two", "a couple of"); undefined when it is neither. */
export function numberFromWords(text: string): number | undefined {
  const w = text.trim().toLowerCase().replace(/\s+/g, ' ');
  return /^\d+$/.test(w) ? Number(w) : NUMBER_WORDS[w];
}
