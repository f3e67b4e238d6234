/**
 * @module wire-names
 * The one mapping between the library's camelCase names and the wire's snake_case ones
 * (HTTP and MCP JSON, exported files, an execute context sent by a wire client): key by key,
 * schema by schema, at the type level too, so a field added to a record reaches the wire
 * under its derived name without a table to keep in step.
 */
import { z } from 'zod';

/** `agentId` → `agent_id` at the type level. */
export type SnakeCase<S extends string> = S extends `${infer Head}${infer Tail}`
  ? Head extends Lowercase<Head>
    ? `${Head}${SnakeCase<Tail>}`
    : `_${Lowercase<Head>}${SnakeCase<Tail>}`
  : S;

/** An object type with its keys in snake_case: a record as the wire carries it. */
export type WireOf<T> = { [K in keyof T as K extends string ? SnakeCase<K> : K]: T[K] };

const snakeNames = new Map<string, string>();
const MAX_REMEMBERED_NAMES = 10_000;
const CAMEL_NAME = /^[a-z][a-zA-Z0-9]*$/;

/** `agentId` → `agent_id`; a key that is not a camelCase name (a code, a tag) is left as it is. */
export function snakeCase(key: string): string {
  const known = snakeNames.get(key);
  if (known !== undefined) return known;
  const snake = CAMEL_NAME.test(key) ? key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : key;
  if (snakeNames.size < MAX_REMEMBERED_NAMES) snakeNames.set(key, snake);
  return snake;
}

/** `agent_id` → `agentId`. */
export function camelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * The library's name of a key given by a caller: its camelCase form when that is one of
 * `names`, else the key itself (user data keeps its keys: `plan_id` in a context stays).
 */
export function libraryName(key: string, names: ReadonlySet<string>): string {
  if (names.has(key)) return key;
  const camel = camelCase(key);
  return names.has(camel) ? camel : key;
}

/** A wire object (snake_case keys, as its schema parsed it) with the library's names, undefined values left out. */
export function fromWire<T extends object>(wire: WireOf<T>): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(wire)) if (value !== undefined) out[camelCase(key)] = value;
  return out as T;
}

/** The same object (top level only) with snake_case keys; values, user data included, untouched. */
export function toWireKeys<T extends object>(value: T): WireOf<T> {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (item !== undefined) out[snakeCase(key)] = item;
  return out as WireOf<T>;
}

type WireShape<S extends z.ZodRawShape> = { [K in keyof S as K extends string ? SnakeCase<K> : K]: S[K] };

/**
 * A record's schema as the wire spells it: the same fields and rules under snake_case keys
 * (strict when the record is), so the wire cannot drift from the record.
 */
export function wireSchema<S extends z.ZodRawShape, C extends z.core.$ZodObjectConfig>(
  schema: z.ZodObject<S, C>,
): z.ZodObject<WireShape<S>, C> {
  const shape = Object.fromEntries(Object.entries(schema.shape).map(([key, field]) => [snakeCase(key), field]));
  const strict = schema._zod.def.catchall instanceof z.ZodNever;
  return (strict ? z.strictObject(shape) : z.object(shape)) as unknown as z.ZodObject<WireShape<S>, C>;
}
