/**
 * @module execution/executors/subject
 * What an agent's words say about the memories it means, beyond their topic: tags ("tagged
 * deploy", "#perf"), whose ("my notes", "what I wrote": the agent's own only), and how many
 * ("the note": one). Counts, listings and forgets read their subject with it.
 */
import { isStopWord, topicWords } from '../../text.js';

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
  /(?:\b(?:(?:that\s+(?:are|is|were|was)\s+|which\s+(?:are|is)\s+)?tagged(?:\s+(?:with|as))?|(?:with|under|carrying|having|has|have)\s+(?:the\s+)?tags?|tags?)\b\s*:?\s*#?|(?:^|\s)#)['"]?([\w:-]+(?:\.[\w:-]+)*)['"]?/gi;
/** "the oncall tag", "a #perf tag": the tag's name before the word. */
const TAG_BEFORE = /\b(?:the|a|an)\s+#?['"]?([\w:-]+(?:\.[\w:-]+)*)['"]?\s+tag\b/gi;
/** Words of the first person: whose memories. "I can see" asks for everything visible. */
const FIRST_PERSON = /\b(?:my|mine|myself|i|i've|i'd|i'm)\b/i;
const VISIBLE_TO_ME =
  /\b(?:i\s+(?:can|may|could)|(?:can|may|could)\s+i)\s+(?:see|read|access)\b|\bvisible\s+to\s+me\b/i;

/** The nouns agents call memories by, and words about them: the kind of thing, not what it is about. */
const GENERIC = new Set(
  (
    'memory memories note notes entry entries item items record records thing things one ones stuff total ' +
    'overall altogether exist exists existing there tag tags tagged count number amount visible accessible'
  ).split(' '),
);
/**
 * Verbs of keeping memories: no topic where they speak of the memories ("notes I wrote", "what
 * was added"), a topic elsewhere ("the process kept growing").
 */
const KEEPING = new Set(
  (
    'store stored save saved write writes written wrote keep kept record recorded note noted create created add ' +
    'added make made see seen access come came arrived new happen happened happening went carry carries carrying ' +
    'labeled labelled marked jot jotted log logged'
  ).split(' '),
);
/** What comes before a verb of keeping when it speaks of the memories. */
const KEEPING_AFTER = new Set(
  (
    'i we you was were been be is are have has had did do what that which anything everything something ' +
    "memory memories note notes entries items things ones stuff i've we've"
  ).split(' '),
);

const SINGULAR = new Set(['memory', 'note', 'entry', 'item', 'record', 'thing', 'one']);
const PLURAL = new Set(['memories', 'notes', 'entries', 'items', 'records', 'things', 'ones']);

export function readSubject(text: string): Subject {
  const tags: string[] = [];
  // "the tags I use": a function word after "tags" is no tag's name.
  const take = (said: string, tag: string) => {
    if (isStopWord(tag)) return said;
    tags.push(tag.toLowerCase());
    return ' ';
  };
  const untagged = text.replace(TAG_BEFORE, take).replace(TAGGED, take);
  const all = untagged.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
  const firstNoun = all.find((w) => SINGULAR.has(w) || PLURAL.has(w));
  const aboutMemories = new Set(
    all.filter(
      (w, i) =>
        KEEPING.has(w) &&
        (KEEPING_AFTER.has(all[i - 1] ?? '') || SINGULAR.has(all[i + 1] ?? '') || PLURAL.has(all[i + 1] ?? '')),
    ),
  );
  return {
    topic: topicWords(untagged)
      .filter((w) => !GENERIC.has(w) && !aboutMemories.has(w))
      .join(' '),
    tags: [...new Set(tags)],
    ownOnly: FIRST_PERSON.test(untagged) && !VISIBLE_TO_ME.test(untagged),
    singular: firstNoun !== undefined && SINGULAR.has(firstNoun),
  };
}
