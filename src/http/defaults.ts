/** Defaults of the HTTP service, apart from the server so the CLI can show them without loading Fastify. */
export const HTTP_DEFAULTS = {
  bodyLimit: 128 * 1024,
  rateLimit: { requests: 1200, perSeconds: 60 },
  /** Slow clients may not hold a request open longer than this. */
  requestTimeoutMs: 30_000,
} as const;
