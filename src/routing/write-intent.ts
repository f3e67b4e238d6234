/**
 * @module routing/write-intent
 * Whether a command asks to change or delete memories: it opens (after a polite lead-in such
 * as "please" or "can you") with one of WRITE_VERBS. The planner never lets a read answer such
 * a command, because an agent acts on the answer: a delete served by a read with success would
 * leave it believing the memory gone.
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

/** The write verb a command opens with ("get rid of" counts as one), or undefined when it opens otherwise. */
export function writeIntentVerb(query: string): string | undefined {
  const rest = query.replace(LEAD_IN, '');
  const verb = /^[a-z]+/i.exec(rest)?.[0].toLowerCase();
  if (verb === undefined || AS_NOUN.test(rest)) return undefined;
  if (VERBS.has(verb)) return verb;
  const after = rest.slice(verb.length);
  if (verb === 'get' && /^\s+rid\s+of\b/i.test(after)) return 'get rid of';
  return ACTIONS.has(verb) && ACTS_ON.test(after) ? verb : undefined;
}
