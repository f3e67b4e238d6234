import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { dashboardRoutes } from '../../src/http/dashboard-routes.js';
import { onCleanup, tempDir } from '../helpers/engine.js';
import { CLI } from '../helpers/mcp.js';
import { apiKeysFor, call, startTestServer } from '../helpers/server.js';

const agents = [{ agentId: 'alice', namespace: 'lab', role: 'agent' }] as const;

describe('serving the dashboard', () => {
  it('serves the built page and its assets with a CSP, caching headers and gzip; / leads to /dashboard', async () => {
    const { auth } = apiKeysFor(agents);
    const { base } = await startTestServer({ auth });

    const root = await fetch(`${base}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/dashboard');

    const page = await fetch(`${base}/dashboard`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await page.text();
    expect(html).toContain('data-auth="required"');
    expect(html).not.toMatch(/<script>|https?:\/\//); // no inline script, nothing from another origin

    const etag = page.headers.get('etag')!;
    expect((await fetch(`${base}/dashboard`, { headers: { 'if-none-match': etag } })).status).toBe(304);

    const scripts = [...html.matchAll(/(?:src|href)="(\/dashboard\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.map((s) => s.replace(/-[A-Z0-9]+\./, '-HASH.'))).toEqual([
      '/dashboard/assets/app-HASH.css',
      '/dashboard/assets/app-HASH.js',
    ]);
    for (const path of scripts) {
      const plain = await call(base, path, { headers: { 'accept-encoding': 'identity' } });
      expect(plain.status).toBe(200);
      expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(plain.headers.get('content-type')).toBe(
        path.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8',
      );
      // fetch would decompress on its own: read the raw bytes through a request that keeps them.
      const response = await getRaw(base, path);
      expect(response.encoding).toBe('gzip');
      expect(gunzipSync(response.body).toString()).toBe(plain.text);
      expect(response.body.length).toBeLessThan(plain.text.length / 2);
    }
    const missing = await call(base, '/dashboard/assets/nothing.js');
    expect(missing.status).toBe(404);
    expect(missing.body['code']).toBe('ROUTE_NOT_FOUND');
  });

  it('tells the page who the credential is at /api/v1/whoami, and nobody without one', async () => {
    const { auth, keys } = apiKeysFor(agents);
    const { base } = await startTestServer({ auth });
    expect((await call(base, '/api/v1/whoami')).status).toBe(401);
    const me = await call(base, '/api/v1/whoami', { token: keys['alice']! });
    expect(me.body).toEqual({ agent_id: 'alice', namespace: 'lab', role: 'agent', credential: 'api-key:alice-key' });

    const { base: open } = await startTestServer();
    expect((await call(open, '/api/v1/whoami')).body).toMatchObject({ agent_id: 'default', role: 'admin' });
    expect(await (await fetch(`${open}/dashboard`)).text()).toContain('data-auth="none"');
  });

  it('is served by the built CLI: tmws-patterns serve', async () => {
    const child = spawn(process.execPath, [CLI, '--db', ':memory:', 'serve', '--port', '0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    onCleanup(() => void (child.exitCode === null && child.kill('SIGKILL')));
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    while (!/listening on/.test(stdout)) {
      if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const base = /listening on (http:\/\/\S+)/.exec(stdout)![1]!;
    const html = await (await fetch(`${base}/dashboard`)).text();
    expect(html).toContain('data-auth="none"');
    const script = /src="(\/dashboard\/assets\/app-\w+\.js)"/.exec(html)![1]!;
    const asset = await fetch(`${base}${script}`);
    expect(asset.status).toBe(200);
    expect((await asset.text()).length).toBeGreaterThan(10_000);
  });

  it('starts without the dashboard, and says why, when it was not built', async () => {
    const directory = tempDir();
    const logs: string[] = [];
    const serve = async () => {
      const app = Fastify({ loggerInstance: pino({ level: 'warn' }, { write: (line: string) => logs.push(line) }) });
      app.setValidatorCompiler(validatorCompiler);
      app.setSerializerCompiler(serializerCompiler);
      onCleanup(() => app.close());
      await app.register(dashboardRoutes, { authRequired: true, directory: pathToFileURL(`${directory}/`) });
      return app;
    };
    const unbuilt = await serve();
    expect(logs.map((line) => JSON.parse(line).msg)).toEqual(['dashboard not built: run npm run build']);
    expect((await unbuilt.inject('/dashboard')).statusCode).toBe(404);

    // A build with the page and no assets directory serves the page.
    writeFileSync(join(directory, 'index.html'), '<body data-auth="{{auth}}"></body>');
    const built = await serve();
    expect((await built.inject('/dashboard')).body).toBe('<body data-auth="required"></body>');
  });
});

/** GET with gzip accepted, returning the bytes as sent (node's fetch would decompress them). */
async function getRaw(base: string, path: string): Promise<{ encoding: string | undefined; body: Buffer }> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    request(`${base}${path}`, { headers: { 'accept-encoding': 'gzip' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ encoding: response.headers['content-encoding'], body: Buffer.concat(chunks) }),
      );
    })
      .on('error', reject)
      .end();
  });
}
