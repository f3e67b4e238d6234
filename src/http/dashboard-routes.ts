/**
 * @module http/dashboard-routes
 * The dashboard: the page at GET /dashboard (GET / leads there) and its content-hashed
 * assets. They hold no data and are public; every figure the page shows comes from the API
 * (GET /api/v1/whoami tells it who its credential is) under the caller's own credential, so
 * the dashboard is scoped exactly as the API is.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

/** Where `npm run build` puts the bundle: dist/dashboard, two levels above this file in src/ and in dist/ alike. */
const BUILT_DASHBOARD = new URL('../../dist/dashboard/', import.meta.url);

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** Nothing but the page's own scripts, styles and API: no inline script, no other origin. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

interface Asset {
  body: Buffer;
  gzipped: Buffer;
  etag: string;
  contentType: string;
  cacheControl: string;
}

interface DashboardFiles {
  page: Asset;
  assets: ReadonlyMap<string, Asset>;
}

export interface DashboardOptions {
  /** Whether the page must ask for an API key (an auth file is configured). */
  authRequired: boolean;
  /** The built dashboard. @default dist/dashboard of this package */
  directory?: URL;
}

export const dashboardRoutes: FastifyPluginAsyncZod<DashboardOptions> = async (app, options) => {
  const files = loadDashboard(options.directory ?? BUILT_DASHBOARD, options.authRequired);
  if (!files) {
    app.log.warn(
      { directory: (options.directory ?? BUILT_DASHBOARD).pathname },
      'dashboard not built: run npm run build',
    );
    return;
  }
  const hidden = { schema: { hide: true } };
  app.get('/', hidden, (_request, reply) => reply.redirect('/dashboard'));
  app.get('/dashboard/', hidden, (_request, reply) => reply.redirect('/dashboard'));
  app.get('/dashboard', hidden, (request, reply) => send(request, reply, files.page));
  app.get<{ Params: { file: string } }>('/dashboard/assets/:file', hidden, (request, reply) => {
    const asset = files.assets.get(request.params.file);
    return asset ? send(request, reply, asset) : reply.callNotFound();
  });
};

/** Reads the built page and assets once; undefined when the dashboard was not built. */
function loadDashboard(directory: URL, authRequired: boolean): DashboardFiles | undefined {
  const pageFile = new URL('index.html', directory);
  if (!existsSync(pageFile)) return undefined;
  // The page tells the script whether to ask for a key, so it never sends a request it knows will be refused.
  const html = readFileSync(pageFile, 'utf8').replace('{{auth}}', authRequired ? 'required' : 'none');
  const page = asset(Buffer.from(html), '.html', 'no-cache');
  const assetsDirectory = new URL('assets/', directory);
  const assets = new Map<string, Asset>();
  for (const name of existsSync(assetsDirectory) ? readdirSync(assetsDirectory) : []) {
    const type = extname(name);
    if (!(type in CONTENT_TYPES)) continue;
    // Names carry a content hash: a new build has new names, so browsers may keep these for good.
    assets.set(name, asset(readFileSync(new URL(name, assetsDirectory)), type, 'public, max-age=31536000, immutable'));
  }
  return { page, assets };
}

function asset(body: Buffer, type: string, cacheControl: string): Asset {
  return {
    body,
    gzipped: gzipSync(body, { level: 9 }),
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
    contentType: CONTENT_TYPES[type]!,
    cacheControl,
  };
}

function send(request: FastifyRequest, reply: FastifyReply, file: Asset): FastifyReply {
  reply
    .header('content-type', file.contentType)
    .header('cache-control', file.cacheControl)
    .header('etag', file.etag)
    .header('vary', 'accept-encoding')
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer');
  if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
  if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
    return reply.header('content-encoding', 'gzip').send(file.gzipped);
  }
  return reply.send(file.body);
}
