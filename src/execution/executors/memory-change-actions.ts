/**
 * @module execution/executors/memory-change-actions
 * Forgetting and changing memories from commands. Each touches only the agent's own memories,
 * keeps what it replaced in the memory's history, and says how to undo it. A command that
 * names no memory clearly changes nothing and lists the candidates (clear-match.ts).
 */
import { AmbiguousTargetError, ForbiddenError, MemoryNotFoundError, ValidationError } from '../../errors.js';
import { checkedContent, tag as tagSchema } from '../../memory/memory-record.js';
import type { Memory, Scope } from '../../memory/store.js';
import { resolveWindow } from '../../time/resolve-window.js';
import { extractWindows } from '../../time/window-phrases.js';
import type { ActionHandler, ActionRequest, ActionServices } from './action.js';
import { param, windowFilter } from './action.js';
import { chooseTarget, MIN_COVERAGE, MIN_MARGIN } from './clear-match.js';
import { readSubject } from './subject.js';

type ChangeAction = 'forget' | 'forget_by_tag' | 'change' | 'rename_tag' | 'restore';

/** Memories a full-text search offers the clear-match rule. */
const CANDIDATES = 20;
/** Candidates an ambiguous answer lists. */
const LISTED = 5;
/** Memories deleted by tag per transaction. */
const TAG_BATCH = 500;
/** Memories a bulk answer lists (the count is always whole). */
const MAX_LISTED = 100;
const MEMORY_ID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/i;
/**
 * "your memory clean", "my notes", "all memories": the memory as a whole, not one described
 * memory. A memory is described before its noun ("the stale CRD note") or by what follows it
 * ("the note about …"); anything else after the noun ("clean", "please") names nothing.
 */
const WHOLE_MEMORY =
  /^\s*(?:(?:the|my|your|our|all|of|this|that|these|those|every|entire|whole)\s+)*(?:memory|memories|notes?|everything)\b(?!\s+(?:about|on|regarding|concerning|for|of|from|that|which|where|with|mentioning|saying|says|stating|states|describing|explaining|noting|containing|covering|documenting|re:?|titled|called|named|tagged|[0-9a-f]{8}-))/i;
/**
 * "the spam comments from the moderation queue": something taken out of a place in the world,
 * not a memory (a memory's description, "the note about moving from the old cluster", may say "from").
 */
const FROM_ELSEWHERE =
  /^(?:(?!\b(?:about|on|regarding|concerning|that|which|saying|says|mentioning)\b).)*?\bfrom\s+(?:the|our|my|a|an|this|that)\s+(?!(?:notes?|memor(?:y|ies)|store)\b)\w/i;
/**
 * A change of part of a memory's text: "fix the date in the X note to Dec 12", "replace 'Tuesday'
 * with 'Thursday' in the X note", "swap A for B in the X note". The service replaces whole
 * contents only, so such a change would put "Dec 12" in place of the whole note: refused.
 */
const PART_OF_TEXT =
  /^\s*(?:the\s+|a\s+)?(?:[\w-]+\s+){0,2}?(?:date|time|day|year|deadline|typo|spelling|name|number|figure|amount|price|link|url|word|wording|line|sentence|title)s?\s+(?:in|of|on|within)\s+/i;
const IN_A_MEMORY =
  /\s(?:in|inside|within)\s+(?:the|my|our|that|this)\s+(?:[\w./'-]+\s+){0,6}?(?:note|memory|entry|record)\b/i;
/** "the importance of the billing note": a field of a memory, not its content. */
const FIELD_OF =
  /^\s*(?:the\s+)?(importance|priority|tags?|access(?:\s+level)?|visibility|sharing|expiry|expiration|title|name)\s+(?:of|for|on)\s+(.+)$/i;

export function memoryChangeActions(services: ActionServices): Record<ChangeAction, ActionHandler> {
  /** The one own memory a subject names (see clear-match.ts); throws, changing nothing, otherwise. */
  const target = async (action: ActionRequest, words: string, verb: 'forget' | 'change'): Promise<Memory> => {
    const id = MEMORY_ID.exec(words)?.[0];
    if (id !== undefined) {
      const memory = await services.store.get(action.scope, id);
      if (memory && memory.agentId === action.scope.agentId) return memory;
      throw new MemoryNotFoundError(`No memory '${id}' of yours is in this namespace; nothing was changed`, {
        details: { id },
      });
    }
    if (FROM_ELSEWHERE.test(words)) {
      throw new ValidationError(
        `${verb}: '${words}' names something to take out of a place, not a memory; the service only ${verb}s memories ("${verb} the note about …"), so nothing was changed`,
      );
    }
    if (/\btag(?:s|ged)?\b/i.test(words)) {
      throw new ValidationError(
        `${verb}: '${words}' names memories by tag; say "forget everything tagged X" to delete them, or "rename tag X to Y"; nothing was changed`,
      );
    }
    const { topic } = readSubject(words);
    if (topic === '' || WHOLE_MEMORY.test(words)) {
      throw new ValidationError(
        `${verb}: name the memory ("${verb} the note about the stale CRD"), or its id; nothing was changed`,
      );
    }
    const found = await services.store.search(action.scope, {
      text: topic,
      synonyms: services.lexicon.expansions(topic),
      limit: CANDIDATES,
      ...windowFilter(action),
    });
    const choice = chooseTarget(topic, found, services.lexicon);
    const candidates = choice.candidates.slice(0, LISTED).map(({ memory, coverage }) => ({
      id: memory.id,
      content: memory.content,
      agentId: memory.agentId,
      own: memory.agentId === action.scope.agentId,
      coverage,
    }));
    const rule = `one memory must hold at least ${MIN_COVERAGE * 100}% of the words '${topic}', ${MIN_MARGIN * 100} points more than any other`;
    if (choice.target === undefined) {
      if (candidates.length === 0) {
        throw new MemoryNotFoundError(`No memory you may see mentions '${topic}'; nothing was changed`, {
          details: { subject: topic, candidates },
        });
      }
      throw new AmbiguousTargetError(
        `'${topic}' names no single memory clearly (${rule}); nothing was changed. Say more, or name one by id ("${verb} memory <id>")`,
        { details: { subject: topic, rule, candidates } },
      );
    }
    if (choice.target.agentId !== action.scope.agentId) {
      throw new ForbiddenError(
        `The memory that matches '${topic}' is agent '${choice.target.agentId}''s; you can ${verb} only your own. Nothing was changed`,
        { details: { subject: topic, candidates } },
      );
    }
    return choice.target;
  };

  /** "set the importance of the billing note to 0.9": the one field a command may change besides content. */
  const changeField = async (action: ActionRequest, field: string, words: string, value: string) => {
    const importance = Number(value);
    if ((field !== 'importance' && field !== 'priority') || value === '' || !(importance >= 0 && importance <= 1)) {
      throw new ValidationError(
        `change: a command changes a memory's content, or its importance to a number from 0 to 1 ("set the importance of the billing note to 0.9"); its ${field} changes through update_memory (PATCH /api/v1/memories/{id}). Nothing was changed`,
      );
    }
    const memory = await target(action, words, 'change');
    const updated = await services.store.update(action.scope, memory.id, { importance });
    if (!updated) throw gone(memory.id);
    return changed(action.scope, { changed: 1, memory: updated, previous: { importance: memory.importance } }, [
      updated,
    ]);
  };

  return {
    async forget(action) {
      const memory = await target(action, param(action, 'subject', 'target') ?? '', 'forget');
      const deleted = await services.store.deleteMany(action.scope, [memory.id]);
      if (deleted.length === 0) throw gone(memory.id);
      return changed(action.scope, { deleted: deleted.length, memories: deleted }, deleted);
    },

    async forget_by_tag(action) {
      const tag = checkedTag(param(action, 'tag'), 'tag');
      const deleted: Memory[] = [];
      // Batches until none of the agent's own is left: another agent's memories are never read here.
      for (;;) {
        const batch = await services.store.search(action.scope, {
          tags: [tag],
          ownOnly: true,
          orderBy: 'recent',
          limit: TAG_BATCH,
          ...windowFilter(action),
        });
        if (batch.length === 0) break;
        const done = await services.store.deleteMany(
          action.scope,
          batch.map((m) => m.id),
        );
        deleted.push(...done);
        if (done.length < batch.length) break;
      }
      const kept = await services.store.count(action.scope, { tags: [tag], ...windowFilter(action) });
      if (deleted.length === 0) throw noneOfYours(tag, kept, 'deleted');
      return changed(
        action.scope,
        { tag, deleted: deleted.length, memories: deleted.slice(0, MAX_LISTED), keptOfOthers: kept },
        deleted,
      );
    },

    async change(action) {
      // "make the X note say …" names both parts; other phrasings are split here.
      const made = param(action, 'made');
      const { subject, content } =
        made === undefined
          ? splitChange(param(action, 'rest') ?? '')
          : { subject: made.trim(), content: param(action, 'says')?.trim() ?? '' };
      const field = FIELD_OF.exec(subject);
      if (field) return changeField(action, field[1]!.toLowerCase(), field[2]!, content);
      if (content === '') {
        throw new ValidationError(
          'change: say what the memory should now say ("change the note about X to say …", "replace my note on X with: …"); nothing was changed',
        );
      }
      if (PART_OF_TEXT.test(subject) || IN_A_MEMORY.test(` ${content}`) || /^['"‘“]/.test(subject)) {
        throw new ValidationError(
          `change: '${param(action, 'rest') ?? subject}' changes part of a memory's text; a command replaces the whole text ("change the X note to: <the whole new text>"), so nothing was changed`,
        );
      }
      checkedContent(content);
      const memory = await target(...withSubjectWindow(action, subject, services.now()), 'change');
      if (memory.content === content) return { result: { changed: 0, memory, previous: { content } } };
      const updated = await services.store.update(action.scope, memory.id, { content });
      if (!updated) throw gone(memory.id);
      return changed(action.scope, { changed: 1, memory: updated, previous: { content: memory.content } }, [updated]);
    },

    async rename_tag(action) {
      const from = checkedTag(param(action, 'from', 'old'), 'from');
      const to = checkedTag(param(action, 'to'), 'to');
      const renamed = await services.store.renameTag(action.scope, from, to);
      if (renamed.length === 0) {
        throw noneOfYours(from, await services.store.count(action.scope, { tags: [from] }), 'renamed');
      }
      return changed(
        action.scope,
        {
          from,
          to,
          renamed: renamed.length,
          memories: renamed.slice(0, MAX_LISTED).map(({ id, tags }) => ({ id, tags })),
        },
        renamed,
      );
    },

    async restore(action) {
      const id = param(action, 'id') ?? '';
      const version = action.params['version'];
      const restored = await services.store.restore(
        action.scope,
        id,
        typeof version === 'number' ? version : undefined,
      );
      if (!restored) {
        throw new MemoryNotFoundError(
          `No kept version${version === undefined ? '' : ` ${version}`} of memory '${id}' is yours; nothing was restored`,
          { details: { id } },
        );
      }
      return { result: { restored: restored }, wroteNamespace: action.scope.namespace };
    },
  };
}

/** A write's answer: what changed, and how to undo it. */
function changed(scope: Scope, result: Record<string, unknown>, memories: readonly Memory[]) {
  const ids = memories.map((m) => m.id);
  return {
    result: {
      ...result,
      undo:
        ids.length === 0
          ? null
          : {
              restore: ids.slice(0, MAX_LISTED),
              how: `restore each with the command "restore memory <id>", the MCP tool restore_memory, or POST /api/v1/memories/<id>/restore (kept for the history's retention)`,
            },
    },
    wroteNamespace: scope.namespace,
  };
}

function checkedTag(value: string | undefined, field: string): string {
  const parsed = tagSchema.safeParse(value);
  if (!parsed.success)
    throw new ValidationError(`${field}: '${value ?? ''}' is not a tag (letters, digits and . _ : -)`);
  return parsed.data.toLowerCase();
}

/** A change by tag that found none of the agent's own: said, rather than a success that did nothing. */
function noneOfYours(tag: string, others: number, what: string): MemoryNotFoundError {
  const theirs = others > 0 ? ` (${others} of other agents' do, and only your own can be changed)` : '';
  return new MemoryNotFoundError(`None of your memories carries the tag '${tag}'${theirs}; nothing was ${what}`, {
    details: { tag, ofOthers: others },
  });
}

function gone(id: string): MemoryNotFoundError {
  return new MemoryNotFoundError(`Memory '${id}' changed or went away meanwhile; nothing was changed`, {
    details: { id },
  });
}

/**
 * "the handoff note written today": a change takes a window from the words naming its memory
 * only, never from the new content (the planner leaves a change's words whole), and looks for
 * its target there. Returns the action with that window and the subject without its words.
 */
function withSubjectWindow(action: ActionRequest, subject: string, now: number): [ActionRequest, string] {
  const { text, windows } = extractWindows(subject);
  if (windows.length === 0 || text === '') return [action, subject];
  const specs = windows.map((w) => w.spec);
  const window = resolveWindow(specs, windows.map((w) => w.phrase).join(' '), now, action.request.timezone);
  return [{ ...action, window }, text];
}

/**
 * "the Argo CD note to say we picked Flux" → subject and new content. Explicit separators
 * first (":", "to say", "should say", "so it says", "with:", a dash), the earliest; else " with " (the first)
 * or " to " (the last, since subjects such as "moving to k8s" hold one too).
 */
export function splitChange(rest: string): { subject: string; content: string } {
  const strong =
    /\s*(?::|\bwith\s*:|\b(?:to|should)\s+(?:now\s+)?(?:say|read|state)\b\s*:?|\bso\s+(?:that\s+)?it\s+(?:now\s+)?(?:says|reads)\b\s*:?|\bwith\s+(?:the\s+)?(?:new\s+|following\s+|updated\s+)?(?:text|content|wording|words)\b\s*:?|\s[-—–]+\s)\s*/i.exec(
      rest,
    );
  const split = (at: number, length: number) => ({
    subject: rest.slice(0, at).trim(),
    content: rest
      .slice(at + length)
      .trim()
      .replace(/^["'“”‘’]|["'“”‘’]$/g, '')
      .trim(),
  });
  if (strong) return split(strong.index, strong[0].length);
  const withWord = /\swith\s/i.exec(rest);
  if (withWord) return split(withWord.index, withWord[0].length);
  const toAt = rest.toLowerCase().lastIndexOf(' to ');
  if (toAt >= 0) return split(toAt, 4);
  return { subject: rest.trim(), content: '' };
}
