/**
 * @module json-limits
 * Free-form JSON that callers hand in (a query's context, a memory's or a pattern's
 * metadata) is kept, cloned, hashed and sent back, by code that recurses: bounded here, in
 * depth and in bytes, before anything else touches it. The depth is checked first, without
 * recursing past the limit, so a value nested thousands of levels deep costs nothing.
 */
import { PayloadTooLargeError, ValidationError } from './errors.js';

export interface JsonLimits {
  /** Levels of nesting, the object itself being level 1. */
  maxDepth: number;
  /** Bytes of its JSON text. */
  maxBytes: number;
  /** Paths (as in error messages) where a Date is accepted as well. */
  datesAt?: ReadonlySet<string>;
}

/**
 * A plain JSON object within `limits`. Throws ValidationError (not a plain object, not JSON,
 * too deep) or PayloadTooLargeError (too many bytes), naming `path`.
 */
export function checkJsonObject(
  raw: unknown,
  path: string,
  limits: JsonLimits,
): asserts raw is Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || !isPlainObject(raw)) {
    throw refusal(ValidationError, path, `expected a plain object, got ${describeValue(raw)}`);
  }
  checkJson(raw, path, 1, limits);
  const bytes = Buffer.byteLength(JSON.stringify(raw));
  if (bytes > limits.maxBytes) {
    throw refusal(PayloadTooLargeError, path, `${bytes} bytes of JSON is over the limit of ${limits.maxBytes}`);
  }
}

function checkJson(value: unknown, path: string, depth: number, limits: JsonLimits): void {
  if (depth > limits.maxDepth) throw refusal(ValidationError, path, `nested deeper than ${limits.maxDepth} levels`);
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw refusal(ValidationError, path, 'numbers must be finite');
    return;
  }
  if (value instanceof Date) {
    if (limits.datesAt?.has(path)) return;
    throw refusal(ValidationError, path, 'dates must be ISO strings');
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkJson(item, `${path}[${i}]`, depth + 1, limits));
    return;
  }
  if (typeof value === 'object' && isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) checkJson(item, `${path}.${key}`, depth + 1, limits);
    return;
  }
  throw refusal(ValidationError, path, `${describeValue(value)} is not a JSON value`);
}

/** The error names the offending path, in its message and as `details.issues` (as schema errors do). */
function refusal(
  Kind: typeof ValidationError | typeof PayloadTooLargeError,
  path: string,
  message: string,
): ValidationError | PayloadTooLargeError {
  return new Kind(`${path}: ${message}`, { details: { issues: [{ path, message }] } });
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** "a string", "an array", "a Map"… for messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `a ${value.constructor?.name ?? 'object'}`;
  return `a ${typeof value}`;
}
