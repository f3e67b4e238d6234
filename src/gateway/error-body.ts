import type { Logger } from 'pino';
import { PatternServiceError, toServiceError } from '../errors.js';
import type { ExecutionResult } from '../execution/result.js';
import { toWire } from './wire-serialization.js';

/** What both surfaces send for a failure: the stable code, a message a person can act on, safe details. */
export interface ErrorBody {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** Normalises anything thrown; unexpected failures are logged here and leave as a bare INTERNAL. */
export function toPublicError(error: unknown, logger: Logger): PatternServiceError {
  const serviceError = toServiceError(error);
  if (serviceError.code === 'INTERNAL') logger.error({ err: serviceError.cause ?? error }, 'unexpected failure');
  return serviceError;
}

export function errorBody(error: PatternServiceError): ErrorBody {
  return {
    code: error.code,
    message: error.message,
    ...(error.details !== undefined &&
      error.code !== 'INTERNAL' && { details: toWire(error.details) as Record<string, unknown> }),
  };
}

/**
 * A successful execution as it is; a failed one becomes the error both surfaces answer with
 * (as the seed answers a failed execution with an error status), under the failure's own code.
 */
export function requireSuccess(result: ExecutionResult): ExecutionResult {
  if (result.success) return result;
  throw new PatternServiceError(
    result.error ?? 'Execution failed',
    { details: { pattern: result.patternName, executionTimeMs: result.executionTimeMs, ...result.errorDetails } },
    result.errorCode ?? 'INTERNAL',
  );
}
