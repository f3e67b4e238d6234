import { PatternServiceError } from '../errors.js';
import { epochOf, memoryImportSchema, SET_BY_STORE, withEpochDates } from '../memory/memory-record.js';
import type { ImportedMemory } from '../memory/store.js';
import { formatZodError } from '../validation.js';
import { libraryName, snakeCase } from '../wire-names.js';
import { checkJsonObject } from './request-limits.js';

/** A memory to import: as `exportMemories` writes it (ISO times), or as the store takes it (epoch ms). */
export interface MemoryImport extends Omit<ImportedMemory, 'createdAt' | 'expiresAt'> {
  /** ISO 8601 with offset, epoch milliseconds or a Date; kept as the memory's creation time. */
  createdAt?: string | number | Date;
  /** As createdAt; null or omitted: never expires. */
  expiresAt?: string | number | Date | null;
}

/** One bad record of an import: its position in the input, and what is wrong with it. */
export interface ImportIssue {
  index: number;
  message: string;
}

/**
 * The one schema of an imported memory, the record's (memory-record.ts), with the same limits
 * as a store: the engine checks every import with it, and the CLI reports bad lines with it.
 */
const importedMemorySchema = memoryImportSchema;

/** Fields of an export or a search reply that the store sets itself, or a search's score: skipped, so they import back unchanged. */
const SKIPPED = new Set([...SET_BY_STORE, 'score']);

/** Values for fields a record leaves out (the CLI's --namespace and --agent). */
export interface ImportDefaults {
  namespace?: string;
  agentId?: string;
}

/**
 * Checks every record (all of them, so every problem can be reported at once) and converts
 * the good ones to what the store takes. Nothing is imported while `issues` is not empty.
 */
export function checkMemoryImport(
  records: readonly unknown[],
  defaults: ImportDefaults = {},
): {
  memories: readonly ImportedMemory[];
  issues: ImportIssue[];
} {
  const memories: ImportedMemory[] = [];
  const issues: ImportIssue[] = [];
  records.forEach((record, index) => {
    const named = withImportNames(record, defaults);
    if (typeof named === 'string') {
      issues.push({ index, message: named });
      return;
    }
    const parsed = importedMemorySchema.safeParse(withEpochDates(named));
    if (!parsed.success) {
      issues.push({ index, message: formatZodError(parsed.error) });
      return;
    }
    const { createdAt, expiresAt, metadata, ...rest } = parsed.data;
    try {
      if (metadata !== undefined) checkJsonObject(metadata, 'metadata');
    } catch (error) {
      if (!(error instanceof PatternServiceError)) throw error;
      issues.push({ index, message: error.message });
      return;
    }
    memories.push({
      ...rest,
      ...(metadata !== undefined && { metadata }),
      ...(createdAt !== undefined && { createdAt: epochOf(createdAt) }),
      ...(expiresAt != null && { expiresAt: epochOf(expiresAt) }),
    });
  });
  return { memories, issues };
}

const FIELDS = new Set(Object.keys(importedMemorySchema.shape));
const KNOWN = new Set([...FIELDS, ...SKIPPED]);
const FIELD_LIST = [...FIELDS].join(', ');
/** Each known name under both its spellings: libraryName's answer without a regex per key of every record. */
const NAME_OF = new Map<string, string>();
for (const name of KNOWN) NAME_OF.set(name, name).set(snakeCase(name), name);

/**
 * The record with the wire's names in the schema's, the store's own fields skipped and the
 * defaults filled in; or why it cannot be: an unknown field is refused by name, never dropped
 * (an `accessLevel` spelt wrong would otherwise import the memory private), and so is a field
 * given under both its names. Anything but a plain object is left for the schema to refuse.
 */
function withImportNames(record: unknown, defaults: ImportDefaults): unknown {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return record;
  const named: Record<string, unknown> = {};
  const givenAs = new Map<string, string>();
  for (const [key, value] of Object.entries(record)) {
    const name = NAME_OF.get(key) ?? libraryName(key, KNOWN);
    if (SKIPPED.has(name)) continue;
    if (!FIELDS.has(name)) return `unknown field '${key}'; a memory to import has ${FIELD_LIST} (or snake_case)`;
    const earlier = givenAs.get(name);
    if (earlier !== undefined) return `${name}: given twice, as ${earlier} and ${key}; keep one`;
    givenAs.set(name, key);
    named[name] = value;
  }
  for (const [name, value] of Object.entries(defaults)) if (!givenAs.has(name)) named[name] = value;
  return named;
}
