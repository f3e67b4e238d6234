import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashApiKey } from '../../src/security/auth-config.js';
import { onCleanup, tempDir } from '../helpers/engine.js';
import { CLI } from '../helpers/mcp.js';
import { call } from '../helpers/server.js';

function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  onCleanup(() => void (child.exitCode === null && child.kill('SIGKILL')));
  return { child, stdout: () => stdout, stderr: () => stderr, exited: once(child, 'exit') as Promise<[number | null]> };
}

describe('tmws-patterns serve', () => {
  it('refuses a non-loopback address without authentication, before opening anything', async () => {
    const serve = run(['--db', ':memory:', 'serve', '--host', '0.0.0.0', '--port', '0']);
    const [code] = await serve.exited;
    expect(code).toBe(2);
    expect(serve.stderr()).toMatch(/Refusing to listen on 0\.0\.0\.0 without authentication/);
  });

  it('refuses a --trust-proxy entry that is not an address or a range, before opening anything', async () => {
    const serve = run(['--db', ':memory:', 'serve', '--port', '0', '--trust-proxy', '10.0.0.1,10.0.0.0/40']);
    const [code] = await serve.exited;
    expect(code).toBe(2);
    expect(serve.stderr()).toMatch(/trust proxy: '10\.0\.0\.0\/40' is not an IP address, a CIDR range/);
  });

  it('serves with keys from the auth file until SIGTERM, then exits cleanly', async () => {
    const dir = tempDir();
    const key = 'tmws_serve-command-test-key-0123456789';
    const file = join(dir, 'auth.yaml');
    writeFileSync(
      file,
      `api_keys:\n  - { id: ci, sha256: ${hashApiKey(key)}, agent_id: ci-bot, namespace: ci, role: agent }\n`,
    );
    const serve = run(['--db', join(dir, 'serve.db'), 'serve', '--port', '0', '--rate-limit', '100/60'], {
      TMWS_AUTH_FILE: file,
    });
    while (!/listening on/.test(serve.stdout())) {
      if (serve.child.exitCode !== null) throw new Error(`serve exited: ${serve.stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(serve.stdout()).toMatch(/authentication required/);
    const base = /listening on (http:\/\/[^\s]+)/.exec(serve.stdout())![1]!;
    expect((await call(base, '/api/v1/pattern/stats')).status).toBe(401);
    const stored = await call(base, '/api/v1/pattern/execute', {
      body: { query: 'save note: from the CLI server' },
      token: key,
    });
    expect(stored.body['metadata']).toMatchObject({ agent_id: 'ci-bot', namespace: 'ci' });
    serve.child.kill('SIGTERM');
    const [code] = await serve.exited;
    expect(code).toBe(0);
  });
});

describe('tmws-patterns auth', () => {
  it('new-key prints a key once on stdout and an entry holding only its hash', async () => {
    const command = run([
      '--agent',
      'artemis',
      '--namespace',
      'lab',
      'auth',
      'new-key',
      '--id',
      'artemis-1',
      '--role',
      'readonly',
    ]);
    const [code] = await command.exited;
    expect(code).toBe(0);
    const key = command.stdout().trim();
    expect(key).toMatch(/^tmws_[\w-]{43}$/);
    expect(command.stderr()).toContain(`sha256: ${hashApiKey(key)}`);
    expect(command.stderr()).toContain('agent_id: artemis');
    expect(command.stderr()).not.toContain(key);

    const hash = run(['auth', 'hash-key', key]);
    await hash.exited;
    expect(hash.stdout().trim()).toBe(hashApiKey(key));
  });
});
