import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import { pino } from 'pino';
import { createHttpService, type HttpServiceOptions } from '../../src/http/server.js';
import type { EngineOptions, PatternExecutionEngine } from '../../src/index.js';
import { generateApiKey, hashApiKey, type ApiKeyEntry, type AuthSettings } from '../../src/security/auth-config.js';
import type { Role } from '../../src/security/roles.js';
import { createTestEngine, onCleanup } from './engine.js';

export const silentLogger = pino({ level: 'silent' });

export interface TestServer {
  /** http://127.0.0.1:<port> */
  base: string;
  app: FastifyInstance;
  engine: PatternExecutionEngine;
}

/**
 * A real server on a free loopback port, on a private in-memory engine; closed (server
 * first, then engine) after the test. Rate limits are off unless the test sets them.
 */
export async function startTestServer(
  options: Partial<HttpServiceOptions> & { engineOptions?: EngineOptions; engine?: PatternExecutionEngine } = {},
): Promise<TestServer> {
  const { engineOptions, engine: given, ...serviceOptions } = options;
  const engine = given ?? (await createTestEngine(engineOptions));
  const app = await createHttpService({ engine, logger: silentLogger, rateLimit: null, ...serviceOptions });
  await app.listen({ host: '127.0.0.1', port: 0 });
  onCleanup(() => app.close());
  return { base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, app, engine };
}

export interface Agent {
  agentId: string;
  namespace: string;
  role: Role;
}

/** API keys for the given agents: the settings hold only hashes; the plain keys are returned by agent id. */
export function apiKeysFor(agents: readonly Agent[]): { auth: AuthSettings; keys: Record<string, string> } {
  const keys: Record<string, string> = {};
  const apiKeys: ApiKeyEntry[] = agents.map((agent) => {
    const key = generateApiKey();
    keys[agent.agentId] = key;
    return { id: `${agent.agentId}-key`, sha256: hashApiKey(key), ...agent };
  });
  return { auth: { apiKeys, jwt: undefined }, keys };
}

export const HS256_SECRET = 'test-secret-that-is-long-enough-for-hs256!';

export async function signHs256(
  claims: Record<string, unknown>,
  options: { secret?: string; expiresIn?: string | number; subject?: string } = {},
): Promise<string> {
  let jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt();
  if (options.subject !== undefined) jwt = jwt.setSubject(options.subject);
  if (options.expiresIn !== undefined) jwt = jwt.setExpirationTime(options.expiresIn);
  return jwt.sign(new TextEncoder().encode(options.secret ?? HS256_SECRET));
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  text: string;
}

/** fetch with JSON in and out; `body` as a string is sent verbatim (for malformed JSON). */
export async function call(
  base: string,
  path: string,
  init: { method?: string; body?: unknown; token?: string; headers?: Record<string, string> } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.body !== undefined) headers['content-type'] ??= 'application/json';
  if (init.token !== undefined) headers['authorization'] = `Bearer ${init.token}`;
  const response = await fetch(`${base}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(init.body !== undefined && { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Not JSON (metrics, or an empty body): the text is there.
  }
  return { status: response.status, headers: response.headers, body, text };
}
