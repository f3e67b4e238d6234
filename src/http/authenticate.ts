import type { FastifyInstance, FastifyRequest } from 'fastify';
import { UnauthorizedError } from '../errors.js';
import type { Caller, Surface } from '../gateway/agent-gateway.js';
import type { AuthThrottle } from '../security/auth-throttle.js';
import type { Authenticator } from '../security/authenticator.js';
import { clientKey } from '../security/client-address.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook on every protected route. */
    caller: Caller;
  }
}

/**
 * Authenticates every request of the (encapsulated) instance it is added to; the
 * principal's agent and namespace then scope everything the request does. Failures go
 * through the throttle (counted, logged, audited; 429 once the address has failed too often).
 */
export function requireCaller(
  app: FastifyInstance,
  authenticator: Authenticator,
  surface: Surface,
  throttle: AuthThrottle,
): void {
  app.decorateRequest('caller', null as unknown as Caller);
  app.addHook('onRequest', async (request) => {
    if (!authenticator.enabled) {
      request.caller = { principal: await authenticator.authenticate({}), surface };
      return;
    }
    const client = clientKey(request.ip);
    throttle.check(client, surface);
    try {
      const principal = await authenticator.authenticate({
        authorization: singleHeader(request, 'authorization'),
        apiKey: singleHeader(request, 'x-api-key'),
      });
      request.caller = { principal, surface };
    } catch (error) {
      if (!(error instanceof UnauthorizedError)) throw error;
      throw await throttle.failed(client, surface, error);
    }
  });
}

function singleHeader(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  if (Array.isArray(value)) throw new UnauthorizedError(`Send the ${name} header once`);
  return value;
}
