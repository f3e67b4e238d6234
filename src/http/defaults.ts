/** Defaults of the HTTP service, apart from the server so the CLI can show them without loading Fastify. */
export const HTTP_DEFAULTS = {
  bodyLimit: 128 * 1024,
  rateLimit: { requests: 1200, perSeconds: 60 },
  /** Failed authentications one client address may make per window before it gets 429. */
  authFailureLimit: { requests: 20, perSeconds: 60 },
  /** A client must have sent all its request headers within this long (slow-loris). */
  headersTimeoutMs: 10_000,
  /** ... and its whole request, body included, within this long. */
  requestTimeoutMs: 30_000,
} as const;

/**
 * Headers of every API reply: they hold callers' data, so no browser or proxy may keep them,
 * and none may be sniffed as another type. (The dashboard's files set their own cache policy.)
 */
export const API_REPLY_HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } as const;
