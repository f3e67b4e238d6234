import type { z } from 'zod';
import { ValidationError } from './errors.js';

/** One readable line per issue, each prefixed with the path of the offending field. */
export function formatZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

/** Parses with a zod schema, throwing a ValidationError whose message names each bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, label: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(`${label}: ${formatZodError(result.error)}`, {
    details: { issues: result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })) },
  });
}

/** `value` if it is a whole number from `min` to `max`; otherwise a ValidationError naming `what`. */
export function wholeNumberIn(what: string, value: number, min: number, max: number): number {
  if (Number.isInteger(value) && value >= min && value <= max) return value;
  throw new ValidationError(`${what}: expected a whole number from ${min} to ${max}, got ${String(value)}`);
}
