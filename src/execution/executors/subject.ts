/**
 * @module execution/executors/subject
 * What an agent's words say about the memories it means, beyond their topic: tags ("tagged
 * deploy", "#perf"), whose ("my notes", "what I wrote": the agent's own only), and how many
 * ("the note": one). Counts, listings and forgets read their subject with it.
 */
import { topicWords } from '../../text.js';

export interface Subject {
  /** The topic words, as a text to search for ('' when there are none). */
  topic: string;
  tags: string[];
  /** "my notes", "what I wrote", "mine": the agent's own memories only. */
  ownOnly: boolean;
  /** "the note about X" rather than "the notes about X". */
  singular: boolean;
}

const TAGGED =
  /(?:\b(?:(?:that\s+(?:are|is|were|was)\s+|which\s+(?:are|is)\s+)?tagged(?:\s+(?:with|as))?|(?:with|under|carrying|having|has|have)\s+(?:the\s+)?tags?|tags?)\s*:?\s*|(?:^|\s)#)['"]?([\w:-]+(?:\.[\w:-]+)*)['"]?/gi;
/** "the oncall tag", "a #perf tag": the tag's name before the word. */
const TAG_BEFORE = /\b(?:the|a|an)\s+#?['"]?([\w:-]+(?:\.[\w:-]+)*)['"]?\s+tag\b/gi;
/** Words of the first person: whose memories. "I can see" asks for everything visible. */
const FIRST_PERSON = /\b(?:my|mine|myself|i|i've|i'd|i'm)\b/i;
const VISIBLE_TO_ME =
  /\b(?:i\s+(?:can|may|could)|(?:can|may|could)\s+i)\s+(?:see|read|access)\b|\bvisible\s+to\s+me\b/i;

/** The nouns agents call memories by: the kind of thing, not what it is about. */
const GENERIC = new Set(
  (
    'memory memories note notes entry entries item items record records thing things one ones stuff ' +
    'store stored save saved write writes written wrote keep kept record recorded noted create created add added ' +
    'make made total overall altogether exist exists existing there tag tags tagged count number amount ' +
    'see seen visible access accessible come came arrived new happen happened happening went carry carries ' +
    'carrying labeled labelled marked'
  ).split(' '),
);
const SINGULAR = new Set(['memory', 'note', 'entry', 'item', 'record', 'thing', 'one']);
const PLURAL = new Set(['memories', 'notes', 'entries', 'items', 'records', 'things', 'ones']);

export function readSubject(text: string): Subject {
  const tags: string[] = [];
  const take = (_: string, tag: string) => {
    tags.push(tag.toLowerCase());
    return ' ';
  };
  const untagged = text.replace(TAG_BEFORE, take).replace(TAGGED, take);
  const all = untagged.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
  const firstNoun = all.find((w) => SINGULAR.has(w) || PLURAL.has(w));
  return {
    topic: topicWords(untagged)
      .filter((w) => !GENERIC.has(w))
      .join(' '),
    tags: [...new Set(tags)],
    ownOnly: FIRST_PERSON.test(untagged) && !VISIBLE_TO_ME.test(untagged),
    singular: firstNoun !== undefined && SINGULAR.has(firstNoun),
  };
}
