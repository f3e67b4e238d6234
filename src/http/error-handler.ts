import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, type ZodFastifySchemaValidationError } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { PatternServiceError, RateLimitedError, type ErrorCode } from '../errors.js';
import { errorBody, toPublicError } from '../gateway/error-body.js';
import { inputError } from '../gateway/input-error.js';

/** Fastify's own 4xx errors (bad JSON, body too large, wrong media type…), by status, onto our codes. */
const CODE_BY_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'VALIDATION_ERROR',
  404: 'ROUTE_NOT_FOUND',
  405: 'ROUTE_NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/** The one place HTTP turns a failure into a status and a body: every code's status comes from ERROR_CODES. */
export function createErrorHandler(logger: Logger) {
  return (error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const serviceError = toPublicError(fromFastify(error, request), logger);
    if (serviceError instanceof RateLimitedError) reply.header('retry-after', String(serviceError.retryAfterSeconds));
    if (serviceError.code === 'UNAUTHORIZED') reply.header('www-authenticate', 'Bearer realm="tmws-patterns"');
    return reply.code(serviceError.status).send(errorBody(serviceError));
  };
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply
    .code(404)
    .send(
      errorBody(
        new PatternServiceError(`No endpoint ${request.method} ${request.url.split('?')[0]}`, {}, 'ROUTE_NOT_FOUND'),
      ),
    );
}

function fromFastify(error: unknown, request: FastifyRequest): unknown {
  if (error instanceof PatternServiceError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) return fromSchemaValidation(error);
  const fastifyError = error as Partial<FastifyError>;
  const status = fastifyError.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return error;
  const code = CODE_BY_STATUS[status] ?? 'VALIDATION_ERROR';
  const details: Record<string, unknown> = { reason: fastifyError.code ?? null };
  let message =
    error instanceof SyntaxError ? `Body is not valid JSON: ${error.message}` : String(fastifyError.message);
  // These two say what to do instead, which Fastify's own messages do not.
  if (status === 413) {
    const limit = request.routeOptions.bodyLimit;
    message = `Request body is over the limit of ${limit} bytes; send a smaller body`;
    details['limit_bytes'] = limit;
  } else if (status === 415) {
    const sent = request.headers['content-type'];
    message = `${sent === undefined ? 'No Content-Type' : `Content-Type '${sent.slice(0, 100)}'`} is not accepted; send Content-Type: application/json`;
  }
  return new PatternServiceError(message, { details }, code);
}

/** A request that breaks its schema: see inputError for the rule shared with MCP. */
function fromSchemaValidation(
  error: Omit<FastifyError, 'validation'> & { validation: ZodFastifySchemaValidationError[] },
): PatternServiceError {
  const where = error.validationContext ?? 'body';
  return inputError(
    error.validation.map((issue) => ({
      path: `${where}${issue.instancePath.replace(/\//g, '.').replace(/\.$/, '')}`,
      message: issue.message ?? 'invalid',
      tooLong: issue.keyword === 'too_big' && issue.params['origin'] === 'string',
    })),
  );
}
