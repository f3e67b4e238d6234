/**
 * @module errors
 * Every error the service raises carries a stable `code` from ERROR_CODES. HTTP maps
 * the code to a status and MCP to a tool error; the table is the single source of
 * truth and is checked against the README by a test.
 */

export interface ErrorCodeInfo {
  /** HTTP status the code maps to. */
  readonly status: number;
  /** One line for the docs: when the code is raised. */
  readonly meaning: string;
}

export const ERROR_CODES = {
  VALIDATION_ERROR: { status: 400, meaning: 'Input is malformed or out of range; the message names the field.' },
  UNSAFE_PATTERN: { status: 400, meaning: 'A trigger regex was refused because it could stall the matcher.' },
  PATTERN_NOT_FOUND: {
    status: 404,
    meaning: 'No pattern matches the query in this mode, and routing was not confident enough.',
  },
  UNKNOWN_PATTERN: { status: 404, meaning: 'No pattern is registered under that name.' },
  MEMORY_NOT_FOUND: { status: 404, meaning: 'No memory with that id is visible to the caller.' },
  TOOL_NOT_FOUND: { status: 404, meaning: 'The query names a tool that is not registered with the engine.' },
  PATTERN_CONFLICT: { status: 409, meaning: 'A pattern with that name is already registered.' },
  AMBIGUOUS_TARGET: {
    status: 409,
    meaning:
      'A forget or change names no single memory clearly; nothing was changed, and `details.candidates` lists the closest.',
  },
  MEMORY_CONFLICT: {
    status: 409,
    meaning: 'The change would give a memory the content of another memory of the same agent.',
  },
  EXECUTION_FAILED: {
    status: 422,
    meaning: 'The pattern matched but its action could not produce a result (e.g. division by zero).',
  },
  UNAUTHORIZED: { status: 401, meaning: 'Missing, malformed, expired or unknown credentials.' },
  FORBIDDEN: {
    status: 403,
    meaning: 'The caller may not do this: its role is too low, or the request names another agent or namespace.',
  },
  QUOTA_EXCEEDED: {
    status: 403,
    meaning: 'The caller already holds as many of a resource (e.g. registered patterns) as allowed.',
  },
  ROUTE_NOT_FOUND: { status: 404, meaning: 'No HTTP endpoint at that method and path.' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    meaning: 'The request body is not JSON (send Content-Type: application/json).',
  },
  PAYLOAD_TOO_LARGE: { status: 413, meaning: 'A body, query or context exceeds its documented size limit.' },
  RATE_LIMITED: { status: 429, meaning: 'The caller exceeded its rate limit; retry after the indicated delay.' },
  STORE_UNAVAILABLE: { status: 503, meaning: 'The memory store cannot be reached; retry later.' },
  INTERNAL: { status: 500, meaning: 'An unexpected failure; details are logged, not returned.' },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface PatternServiceErrorOptions {
  cause?: unknown;
  /** Structured, safe-to-show detail (field names, allowed values, retry delay...). */
  details?: Record<string, unknown>;
}

export class PatternServiceError extends Error {
  static readonly code: ErrorCode = 'INTERNAL';
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(message: string, options: PatternServiceErrorOptions = {}, code?: ErrorCode) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code ?? (new.target as typeof PatternServiceError).code;
    this.details = options.details;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}

export class ValidationError extends PatternServiceError {
  static override readonly code: ErrorCode = 'VALIDATION_ERROR';
}

export class UnsafePatternError extends ValidationError {
  static override readonly code: ErrorCode = 'UNSAFE_PATTERN';
}

export class PayloadTooLargeError extends ValidationError {
  static override readonly code: ErrorCode = 'PAYLOAD_TOO_LARGE';
}

/**
 * The parent of every "nothing by that name or id" error (all 404): catch it for any of
 * them, or a subclass for one. Never thrown itself, so its own code is never seen.
 */
export abstract class NotFoundError extends PatternServiceError {}

/** No pattern serves a query in its mode, and routing was not confident enough (the seed's NotFoundError). */
export class PatternNotFoundError extends NotFoundError {
  static override readonly code: ErrorCode = 'PATTERN_NOT_FOUND';
}

export class MemoryNotFoundError extends NotFoundError {
  static override readonly code: ErrorCode = 'MEMORY_NOT_FOUND';
}

export class ToolNotFoundError extends NotFoundError {
  static override readonly code: ErrorCode = 'TOOL_NOT_FOUND';
}

export class UnknownPatternError extends NotFoundError {
  static override readonly code: ErrorCode = 'UNKNOWN_PATTERN';
}

export class ConflictError extends PatternServiceError {
  static override readonly code: ErrorCode = 'PATTERN_CONFLICT';
}

/** A command that would change a memory names none clearly: nothing is changed, and the candidates are listed. */
export class AmbiguousTargetError extends PatternServiceError {
  static override readonly code: ErrorCode = 'AMBIGUOUS_TARGET';
}

export class MemoryConflictError extends PatternServiceError {
  static override readonly code: ErrorCode = 'MEMORY_CONFLICT';
}

export class ExecutionFailedError extends PatternServiceError {
  static override readonly code: ErrorCode = 'EXECUTION_FAILED';
}

export class UnauthorizedError extends PatternServiceError {
  static override readonly code: ErrorCode = 'UNAUTHORIZED';
}

export class ForbiddenError extends PatternServiceError {
  static override readonly code: ErrorCode = 'FORBIDDEN';
}

export class QuotaExceededError extends ForbiddenError {
  static override readonly code: ErrorCode = 'QUOTA_EXCEEDED';
}

/** `retryAfterSeconds` is what HTTP sends as Retry-After. */
export class RateLimitedError extends PatternServiceError {
  static override readonly code: ErrorCode = 'RATE_LIMITED';
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number, options: PatternServiceErrorOptions = {}) {
    super(message, { ...options, details: { ...options.details, retry_after_seconds: retryAfterSeconds } });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class StoreUnavailableError extends PatternServiceError {
  static override readonly code: ErrorCode = 'STORE_UNAVAILABLE';
}

/** Wraps anything thrown into a PatternServiceError; unknown failures become INTERNAL. */
export function toServiceError(error: unknown): PatternServiceError {
  if (error instanceof PatternServiceError) return error;
  return new PatternServiceError('Internal error', { cause: error }, 'INTERNAL');
}
