import { createHash } from 'node:crypto';
import { topicWords, words } from '../text.js';
import type { AccessLevel, Memory, MemoryPatch, NewMemory } from './store.js';

/** Defaults and canonical forms shared by every backend, so they store the same thing. */
export const MEMORY_DEFAULTS = {
  importance: 0.5,
  accessLevel: 'private' as AccessLevel,
};

export function contentHash(content: string): string {
  return createHash('sha256').update(content.trim()).digest('hex');
}

/** Tags are compared case-insensitively: stored trimmed, lowercased and without duplicates. */
export function normalizeTags(tags: readonly string[] | undefined): string[] {
  return [...new Set((tags ?? []).map((t) => t.trim().toLowerCase()).filter((t) => t !== ''))];
}

export interface PreparedMemory {
  content: string;
  contentHash: string;
  tags: string[];
  metadata: Record<string, unknown>;
  importance: number;
  accessLevel: AccessLevel;
  sharedWith: string[];
  expiresAt: number | null;
  createdAt: number;
}

export function prepareMemory(input: NewMemory, now: number): PreparedMemory {
  const content = input.content.trim();
  return {
    content,
    contentHash: contentHash(content),
    tags: normalizeTags(input.tags),
    metadata: { ...input.metadata },
    importance: input.importance ?? MEMORY_DEFAULTS.importance,
    accessLevel: input.accessLevel ?? MEMORY_DEFAULTS.accessLevel,
    sharedWith: [...new Set(input.sharedWith ?? [])],
    expiresAt: input.expiresAt ?? null,
    createdAt: input.createdAt ?? now,
  };
}

/**
 * Storing content an agent already stored updates that memory: tags and metadata are
 * merged (new metadata keys win); importance, access level, sharing and expiry given anew
 * replace the old ones (an empty `sharedWith` or `private` narrows), and omitted ones stay.
 */
export function mergeMemory(existing: Memory, input: NewMemory, prepared: PreparedMemory): PreparedMemory {
  return {
    ...patchMemory(existing, {
      ...input,
      tags: [...existing.tags, ...prepared.tags],
      metadata: { ...existing.metadata, ...prepared.metadata },
    }),
    content: prepared.content,
    contentHash: prepared.contentHash,
  };
}

/** The stored memory with `patch` applied: given fields replace, omitted ones stay (see MemoryPatch). */
export function patchMemory(existing: Memory, patch: MemoryPatch): PreparedMemory {
  const content = patch.content === undefined ? existing.content : patch.content.trim();
  const accessLevel = patch.accessLevel ?? existing.accessLevel;
  const sharedWith =
    patch.sharedWith !== undefined
      ? patch.sharedWith
      : patch.accessLevel !== undefined && accessLevel !== 'shared'
        ? []
        : existing.sharedWith;
  return {
    content,
    contentHash: content === existing.content ? existing.contentHash : contentHash(content),
    tags: normalizeTags(patch.tags ?? existing.tags),
    metadata: { ...(patch.metadata ?? existing.metadata) },
    importance: patch.importance ?? existing.importance,
    accessLevel,
    sharedWith: [...new Set(sharedWith)],
    expiresAt:
      patch.expiresAt !== undefined
        ? patch.expiresAt
        : existing.expiresAt === null
          ? null
          : Date.parse(existing.expiresAt),
    createdAt: Date.parse(existing.createdAt),
  };
}

/** The fields of a kept version that a restore writes back: all but identity, times and counts. */
export function restorablePatch(version: Memory): Required<MemoryPatch> {
  return {
    content: version.content,
    tags: version.tags,
    metadata: version.metadata,
    importance: version.importance,
    accessLevel: version.accessLevel,
    sharedWith: version.sharedWith,
    expiresAt: version.expiresAt === null ? null : Date.parse(version.expiresAt),
  };
}

export function toIso(epochMs: number | null): string | null {
  return epochMs === null ? null : new Date(epochMs).toISOString();
}

/**
 * The words (and synonym phrases) a full-text search matches, any of them; none means "list
 * instead" ("recall memories"). Synonyms only widen a query that has topic words of its own.
 */
export function searchTerms(text: string | undefined, synonyms: readonly string[] = []): string[] {
  const topic = text === undefined ? [] : topicWords(text);
  if (topic.length === 0) return [];
  const extra = synonyms.map((s) => words(s).join(' ')).filter((s) => s !== '');
  return [...new Set([...topic, ...extra])];
}
