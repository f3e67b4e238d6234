import type { z } from 'zod';
import { PayloadTooLargeError, ValidationError, type PatternServiceError } from '../errors.js';

/** One problem with a request, wherever its schema was checked (HTTP body, MCP arguments). */
export interface InputIssue {
  /** Dotted path from the request's root, e.g. `body.context` or `arguments.query`. */
  path: string;
  message: string;
  /** A string over its maximum length. */
  tooLong: boolean;
}

/**
 * One rule for both surfaces: a string over its maximum length is PAYLOAD_TOO_LARGE
 * (as the engine's own size checks say), anything else VALIDATION_ERROR; the message
 * lists every issue with its path.
 */
export function inputError(issues: readonly InputIssue[]): PatternServiceError {
  const message = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  const details = { issues: issues.map(({ path, message: m }) => ({ path, message: m })) };
  return issues.some((i) => i.tooLong)
    ? new PayloadTooLargeError(message, { details })
    : new ValidationError(message, { details });
}

export function issuesFromZod(error: z.ZodError, root: string): InputIssue[] {
  return error.issues.map((issue) => ({
    path: [root, ...issue.path.map(String)].join('.'),
    message: issue.message,
    tooLong: issue.code === 'too_big' && issue.origin === 'string',
  }));
}
