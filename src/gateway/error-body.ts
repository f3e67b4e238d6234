import type { Logger } from 'pino';
import { toServiceError, type PatternServiceError } from '../errors.js';
import { toWire } from './wire.js';

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
