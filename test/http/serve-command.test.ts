import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { hashApiKey } from '../../src/security/auth-config.js';
import { runCliProcess, startServeProcess } from '../helpers/cli-process.js';
import { tempDir } from '../helpers/engine.js';
import { call } from '../helpers/server.js';

const run = (args: string[], env: Record<string, string> = {}) => {
  const cli = runCliProcess(args, env);
  cli.child.stdin.end();
  return cli;
};

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

  it('new-key --auth-file creates the file (0600) or adds to it, prints the key alone, and serve accepts the keys', async () => {
    const dir = tempDir();
    const file = join(dir, 'auth.yaml');
    const newKey = async (id: string, ...more: string[]) => {
      const command = run([
        '--agent',
        id,
        '--namespace',
        'lab',
        'auth',
        'new-key',
        '--id',
        id,
        '--auth-file',
        file,
        ...more,
      ]);
      const [code] = await command.exited;
      return { code, stdout: command.stdout(), stderr: command.stderr() };
    };
    const first = await newKey('artemis');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^tmws_[\w-]{43}\n$/);
    expect(first.stderr).toBe(`added 'artemis' (agent, agent artemis in lab) to ${file}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(parse(readFileSync(file, 'utf8'))).toEqual({
      api_keys: [
        {
          id: 'artemis',
          sha256: hashApiKey(first.stdout.trim()),
          agent_id: 'artemis',
          namespace: 'lab',
          role: 'agent',
        },
      ],
    });

    writeFileSync(file, `# keys of the lab\n${readFileSync(file, 'utf8')}`);
    const second = await newKey('argus', '--role', 'readonly');
    expect(second.code).toBe(0);
    const written = readFileSync(file, 'utf8');
    expect(written).toMatch(/^# keys of the lab\n/);
    expect((parse(written) as { api_keys: Array<{ id: string }> }).api_keys.map((k) => k.id)).toEqual([
      'artemis',
      'argus',
    ]);

    const duplicate = await newKey('argus');
    expect(duplicate.code).toBe(2);
    expect(duplicate.stdout).toBe('');
    expect(duplicate.stderr).toMatch(/already has an API key with id 'argus'; choose another --id/);
    const badId = await newKey('no spaces allowed');
    expect(badId.code).toBe(2);
    expect(badId.stdout).toBe('');
    expect(readFileSync(file, 'utf8')).toBe(written);

    const serve = await startServeProcess(['--db', join(dir, 'serve.db'), 'serve', '--port', '0', '--auth-file', file]);
    expect(serve.stdout()).toMatch(/authentication required/);
    for (const [agent, key] of [
      ['artemis', first.stdout.trim()],
      ['argus', second.stdout.trim()],
    ] as const) {
      expect((await call(serve.base, '/api/v1/whoami', { token: key })).body).toMatchObject({
        agent_id: agent,
        namespace: 'lab',
      });
    }
  }, 60_000);
});
