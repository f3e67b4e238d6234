/**
 * @module http/server
 * The HTTP API on Fastify: requests validated by the zod wire schemas, responses written by
 * serializers compiled from them (both also generate /openapi.json), authentication on
 * everything but the probes and the document, one error handler, Prometheus metrics, and
 * MCP over Streamable HTTP at /mcp.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import fastifySwagger from '@fastify/swagger';
import secureJsonParse from 'secure-json-parse';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, validatorCompiler } from 'fastify-type-provider-zod';
import { UnauthorizedError, ValidationError } from '../errors.js';
import type { PatternExecutionEngine } from '../execution/engine.js';
import { createGateway } from '../gateway/create-gateway.js';
import { createLogger, type Logger } from '../logging.js';
import type { ConcurrencyLimit } from '../security/agent-concurrency.js';
import type { AuthSettings } from '../security/auth-config.js';
import { AuditRecorder } from '../security/audit-recorder.js';
import { AuthThrottle } from '../security/auth-throttle.js';
import { Authenticator } from '../security/authenticator.js';
import { BudgetStore } from '../security/budget-store.js';
import { parseTrustedProxies } from '../security/client-address.js';
import type { RateLimit } from '../security/rate-limiter.js';
import type { Principal } from '../security/roles.js';
import { apiRoutes } from './api-routes.js';
import { requireCaller } from './authenticate.js';
import { dashboardRoutes } from './dashboard-routes.js';
import { API_REPLY_HEADERS, HTTP_DEFAULTS } from './defaults.js';
import { createErrorHandler, notFoundHandler } from './error-handler.js';
import { mcpRoute } from './mcp-route.js';
import { memoryRoutes } from './memory-routes.js';
import { metricsRoute, ServiceMetrics } from './metrics.js';
import { probeRoutes } from './ops-routes.js';
import { compileResponseSerializer } from './serializer.js';

export interface HttpServiceOptions {
  engine: PatternExecutionEngine;
  /** Accepted credentials. @default none: every request is `anonymous`, allowed on loopback only */
  auth?: AuthSettings;
  /** Who requests act as when no credential is configured. @default agent 'default' in namespace 'default', admin */
  anonymous?: Principal;
  /** Per-agent budget over every operation. @default 1200 requests per 60 s; null = unlimited */
  rateLimit?: RateLimit | null;
  /** Shares rate limits through Redis. */
  redisUrl?: string | undefined;
  rateLimitKeyPrefix?: string;
  /** @default 50 */
  maxPatternsPerAgent?: number;
  /** Days audit entries are kept (pruned at start, then hourly); 0 keeps them all. @default 90 */
  auditRetentionDays?: number;
  /** Operations one agent may have running, and waiting, at once; null = no cap. @default 4 running, 256 waiting */
  agentConcurrency?: ConcurrencyLimit | null;
  /** Largest request body in bytes. @default 131072 (128 KiB) */
  bodyLimit?: number;
  /** Failed authentications per client address and window before 429. @default 20 per 60 s; null = never throttled */
  authFailureLimit?: RateLimit | null;
  /**
   * Proxies whose X-Forwarded-For names the client (addresses, CIDR ranges, or `loopback`,
   * `linklocal`, `uniquelocal`); from anyone else the header is ignored. @default none
   */
  trustProxy?: readonly string[];
  /** All request headers must arrive within this many ms (else 408 and the connection closes). @default 10000 */
  headersTimeoutMs?: number;
  /** The whole request, body included, must arrive within this many ms. @default 30000 */
  requestTimeoutMs?: number;
  logger?: Logger;
  /** Reported in the OpenAPI document and to MCP clients. @default '0.0.0' */
  version?: string;
}

const LOCAL_PRINCIPAL: Principal = { agentId: 'default', namespace: 'default', role: 'admin', credential: 'local' };

export { HTTP_DEFAULTS };

/** Builds the server (not listening). Closing it flushes the audit log and releases Redis; the engine stays open. */
export async function createHttpService(options: HttpServiceOptions): Promise<FastifyInstance> {
  const logger = options.logger ?? createLogger();
  const trustProxy = parseTrustedProxies(options.trustProxy ?? []);
  const version = options.version ?? '0.0.0';
  const metrics = new ServiceMetrics();
  const authenticator = await Authenticator.create(
    options.auth ?? { apiKeys: [], jwt: undefined },
    options.anonymous ?? LOCAL_PRINCIPAL,
  );
  const budgets = await BudgetStore.open({
    redisUrl: options.redisUrl,
    ...(options.rateLimitKeyPrefix !== undefined && { keyPrefix: options.rateLimitKeyPrefix }),
    logger,
  });
  const gateway = await createGateway({
    engine: options.engine,
    rateLimit: options.rateLimit === undefined ? HTTP_DEFAULTS.rateLimit : options.rateLimit,
    budgets,
    maxPatternsPerAgent: options.maxPatternsPerAgent,
    auditRetentionDays: options.auditRetentionDays,
    agentConcurrency: options.agentConcurrency,
    observer: metrics,
    logger,
  });
  const authFailures = new AuditRecorder(options.engine.auditTrail(), logger);
  const failureLimit =
    options.authFailureLimit === undefined ? HTTP_DEFAULTS.authFailureLimit : options.authFailureLimit;
  const throttle = new AuthThrottle({
    budget: failureLimit === null ? undefined : budgets.budget('auth-failures', failureLimit),
    audit: authFailures,
    registry: metrics.registry,
    logger,
  });

  const errorHandler = createErrorHandler(logger);
  const timeouts = requestTimeouts(options);
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Bad URLs and over-long path parameters are answered by the same handler as everything else.
    frameworkErrors: errorHandler,
    bodyLimit: options.bodyLimit ?? HTTP_DEFAULTS.bodyLimit,
    ...(trustProxy.length > 0 && { trustProxy }),
    ...timeouts,
  });
  closeSilentConnections(app.server, timeouts.http.headersTimeout);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(compileResponseSerializer);
  app.setErrorHandler(errorHandler);
  // JSON only (anything else is UNSUPPORTED_MEDIA_TYPE), and parse errors say what is wrong.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parseJsonBody);
  app.setNotFoundHandler(notFoundHandler);
  app.addHook('onClose', async () => {
    await authFailures.flush();
    await gateway.close();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    for (const [name, value] of Object.entries(API_REPLY_HEADERS))
      if (!reply.hasHeader(name)) reply.header(name, value);
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    metrics.httpRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode);
    done();
  });
  if (!authenticator.enabled) app.addHook('onRequest', refuseForeignHosts);

  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'tmws-patterns', description: 'Pattern execution service for AI agents', version },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API key or a JWT (HS256/RS256)' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        },
      },
      security: [{ bearer: [] }, { apiKey: [] }],
    },
    transform: jsonSchemaTransform,
  });

  await app.register(probeRoutes, { engine: options.engine, budgets: () => budgets.health() });
  await app.register(dashboardRoutes, { authRequired: authenticator.enabled });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(async (secured) => {
    requireCaller(secured, authenticator, 'http', throttle);
    await secured.register(apiRoutes, { prefix: '/api/v1', gateway });
    await secured.register(memoryRoutes, { prefix: '/api/v1', gateway });
    await secured.register(metricsRoute, { metrics, gateway });
  });
  await app.register(async (mcp) => {
    requireCaller(mcp, authenticator, 'mcp', throttle);
    await mcp.register(mcpRoute, { gateway, version, logger });
  });
  return app;
}

/**
 * Slow clients (slow-loris) are cut off: Node closes, with 408, a connection whose headers
 * have not all arrived within `headersTimeoutMs`, or whose whole request has not within
 * `requestTimeoutMs`. Node checks every `connectionsCheckingInterval` (30 s by default,
 * which is how a 30 s limit became 35–65 s); checking 4 times per limit keeps each within
 * a quarter of itself. Responses (SSE streams on /mcp included) are not limited.
 */
function requestTimeouts(options: HttpServiceOptions): {
  requestTimeout: number;
  http: { headersTimeout: number; requestTimeout: number; connectionsCheckingInterval: number };
} {
  const requestTimeout = options.requestTimeoutMs ?? HTTP_DEFAULTS.requestTimeoutMs;
  const headersTimeout = Math.min(options.headersTimeoutMs ?? HTTP_DEFAULTS.headersTimeoutMs, requestTimeout);
  const connectionsCheckingInterval = Math.max(25, Math.min(1000, Math.floor(headersTimeout / 4)));
  return { requestTimeout, http: { headersTimeout, requestTimeout, connectionsCheckingInterval } };
}

/**
 * Node's header timeout starts with the first byte, so a connection that sends nothing would
 * stay open for ever: it is given the same time to start, then closed. Once a request is
 * being handled the idle timer is off (handlers may take their time); between requests
 * Node's keep-alive timeout applies.
 */
function closeSilentConnections(server: Server, ms: number): void {
  server.on('connection', (socket: Socket) => socket.setTimeout(ms));
  server.on('request', (request: IncomingMessage) => request.socket.setTimeout(0));
}

/** Keys named __proto__ or constructor.prototype are refused: they are how prototype pollution starts. */
function parseJsonBody(
  _request: unknown,
  body: string | Buffer,
  done: (error: Error | null, value?: unknown) => void,
): void {
  try {
    done(null, secureJsonParse(body.toString(), { protoAction: 'error', constructorAction: 'error' }));
  } catch (error) {
    done(new ValidationError(`Body is not valid JSON: ${(error as Error).message}`));
  }
}

/** Loopback addresses: the only ones a server without credentials may listen on. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

/** Throws unless the server may listen on `host`: anywhere with auth configured, loopback only without. */
export function checkBinding(host: string, authEnabled: boolean): void {
  if (authEnabled || isLoopback(host)) return;
  throw new ValidationError(
    `Refusing to listen on ${host} without authentication: configure API keys or JWT (--auth-file, TMWS_API_KEYS, TMWS_JWT_SECRET) or bind to 127.0.0.1`,
  );
}

/**
 * Without credentials, only requests addressed to a loopback name are served: a web page
 * that rebinds its own domain to 127.0.0.1 cannot reach the API through the browser.
 */
async function refuseForeignHosts(request: { hostname: string }): Promise<void> {
  if (!isLoopback(request.hostname)) {
    throw new UnauthorizedError(`Host '${request.hostname}' is not served without authentication; use 127.0.0.1`);
  }
}
