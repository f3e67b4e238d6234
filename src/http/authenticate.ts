import type { FastifyInstance, FastifyRequest } from 'fastify';
import { UnauthorizedError } from '../errors.js';
import type { Caller, Surface } from '../gateway/agent-gateway.js';
import type { Authenticator } from '../security/authenticator.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook on every protected route. */
    caller: Caller;
  }
}

/**
 * Authenticates every request of the (encapsulated) instance it is added to; the
 * principal's agent and namespace then scope everything the request does.
 */
export function requireCaller(app: FastifyInstance, authenticator: Authenticator, surface: Surface): void {
  app.decorateRequest('caller', null as unknown as Caller);
  app.addHook('onRequest', async (request) => {
    const principal = await authenticator.authenticate({
      authorization: singleHeader(request, 'authorization'),
      apiKey: singleHeader(request, 'x-api-key'),
    });
    request.caller = { principal, surface };
  });
}

function singleHeader(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  if (Array.isArray(value)) throw new UnauthorizedError(`Send the ${name} header once`);
  return value;
}
