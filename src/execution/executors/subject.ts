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
  /(?:\b(?:(?:that\s+(?:are|is|were|was)\s+|which\s+(?:are|is)\s+)?tagged(?:\s+(?:with|as))?|(?:with|under|carrying|having|has|have)\s+(?:the\s+)?tags?|tags?)\s*:?\s*|(?:^|\s)#)['"]?([\w.:-]+)['"]?/gi;
/** Words of the first person: whose memories. "I can see" asks for everything visible. */
const FIRST_PERSON = /\b(?:my|mine|myself|i|i've|i'd|i'm)\b/i;
const VISIBLE_TO_ME = /\bi\s+(?:can|may|could)\s+(?:see|read|access)\b|\bvisible\s+to\s+me\b/i;

/** The nouns agents call memories by: the kind of thing, not what it is about. */
const GENERIC = new Set(
  (
    'memory memories note notes entry entries item items record records thing things one ones stuff ' +
    'store stored save saved write writes written wrote keep kept record recorded noted create created add added ' +
    'make made total exist exists existing there tag tags tagged count number amount'
  ).split(' '),
);
const SINGULAR = new Set(['memory', 'note', 'entry', 'item', 'record', 'thing', 'one']);
const PLURAL = new Set(['memories', 'notes', 'entries', 'items', 'records', 'things', 'ones']);

export function readSubject(text: string): Subject {
  const tags: string[] = [];
  const untagged = text.replace(TAGGED, (_, tag: string) => {
    tags.push(tag.toLowerCase());
    return ' ';
  });
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
