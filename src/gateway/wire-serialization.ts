/**
 * @module gateway/wire-serialization
 * Deep conversion of domain values (camelCase) to the wire, and the JSON of an execute
 * response, each done once for a cached (frozen) result: a cache hit costs no re-conversion
 * and no re-serialization of its memories. User data (a memory's metadata, captured params,
 * tool output) is passed through untouched: its keys are the user's, not ours.
 */
import type { z } from 'zod';
import { snakeCase } from '../wire-names.js';
import type { executeResponseSchema } from './wire-schemas.js';

type Json = Record<string, unknown>;
export type WireExecution = z.output<typeof executeResponseSchema>;

/** Keys whose values are user data and keep their keys as they are. */
const USER_DATA_KEYS = new Set(['metadata', 'params', 'output']);
/** Frozen values (cached results) are converted once and the conversion reused… */
const converted = new WeakMap<object, unknown>();
/** …and serialized once: a cache hit's result is the same object every time. */
const serialized = new WeakMap<object, string>();
/** Conversions of frozen (cached) values: safe to serialize once, since neither side changes. */
const cachedConversions = new WeakSet<object>();

/** Deep copy with camelCase keys in snake_case; other keys (codes, tags, names) unchanged. */
export function toWire(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const frozen = Object.isFrozen(value);
  if (frozen) {
    const known = converted.get(value);
    if (known !== undefined) return known;
  }
  let out: unknown;
  if (Array.isArray(value)) {
    out = value.map(toWire);
  } else {
    const object: Json = {};
    for (const [key, item] of Object.entries(value)) {
      object[snakeCase(key)] = USER_DATA_KEYS.has(key) ? item : toWire(item);
    }
    out = object;
  }
  if (frozen) {
    converted.set(value, out);
    cachedConversions.add(out as object);
  }
  return out;
}

/**
 * The JSON of an execute response. Same output as JSON.stringify, but a cached result's
 * JSON is produced once and reused, so a cache hit costs no re-serialization of its memories.
 */
export function stringifyExecution(wire: WireExecution): string {
  const { result, ...rest } = wire;
  let resultJson = result === null ? 'null' : serialized.get(result);
  if (resultJson === undefined) {
    resultJson = JSON.stringify(result);
    if (cachedConversions.has(result!)) serialized.set(result!, resultJson);
  }
  return `${JSON.stringify(rest).slice(0, -1)},"result":${resultJson}}`;
}
