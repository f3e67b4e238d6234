import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { loadAuthSettings } from '../../src/security/auth-config.js';
import { Authenticator } from '../../src/security/authenticator.js';
import { authFile, keyEntry } from './auth-fixtures.js';
import { CLI } from '../helpers/mcp.js';
import { startServeProcess } from '../integration/serve-process.js';

const local = { agentId: 'me', namespace: 'home', role: 'admin', credential: 'local' } as const;
const STRONG = 'hs256-Wm3rT8qZp1Xv6Nc4Lb9Ks2Dg7Hj5Fy0A';
/** Each passes the 32-character minimum; none is hard to guess. */
const WEAK_SECRETS = {
  'forty spaces': ' '.repeat(40),
  'tabs and spaces': ' \t'.repeat(20),
  'one letter repeated': 'a'.repeat(40),
  'a repeated word': 'password1234password1234password1234',
  'a keyboard walk': 'qwertyuiopasdfghjklzxcvbnm1234567890',
  'a sequence': '0123456789abcdefghijklmnopqrstuvwxyz',
};
async function runCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr };
}

describe('weak secrets are refused, naming the field', () => {
  for (const [what, secret] of Object.entries(WEAK_SECRETS)) {
    it(`an HS256 secret that is ${what}`, async () => {
      await expect(loadAuthSettings({ jwtSecret: secret })).rejects.toThrow(
        /^TMWS_JWT_SECRET: is (empty or whitespace only|too easy to guess)/,
      );
      const file = authFile(`jwt:\n  hs256_secret: ${JSON.stringify(secret)}\n`);
      await expect(loadAuthSettings({}, file)).rejects.toThrow(
        new RegExp(`auth file '.*': jwt\\.hs256_secret: is (empty or whitespace only|too easy to guess)`),
      );
    });
  }

  it('accepts a random secret', async () => {
    expect((await loadAuthSettings({ jwtSecret: STRONG })).jwt?.hs256Secret).toBe(STRONG);
  });

  it('an API key entry holding the hash of a whitespace-only or very common key', async () => {
    const file = authFile(
      `api_keys:\n  - ${JSON.stringify(keyEntry('good', 'tmws_Ux8rK2pQ7vN4zL9sT1wY6bC3'))}\n  - ${JSON.stringify(keyEntry('blank', ' '.repeat(40)))}\n`,
    );
    await expect(loadAuthSettings({}, file)).rejects.toThrow(
      /api_keys\[1\] \(id 'blank'\)\.sha256: is the hash of a whitespace-only or very common key/,
    );
    await expect(loadAuthSettings({ apiKeys: JSON.stringify([keyEntry('pw', 'password')]) })).rejects.toThrow(
      /TMWS_API_KEYS\[0\] \(id 'pw'\)\.sha256/,
    );
  });

  it('an API key too easy to guess, on its first use (only its hash is configured)', async () => {
    const weak = 'tmws_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
    const strong = 'tmws_Ux8rK2pQ7vN4zL9sT1wY6bC3';
    const settings = await loadAuthSettings({
      apiKeys: JSON.stringify([keyEntry('weak', weak), keyEntry('strong', strong)]),
    });
    const authenticator = await Authenticator.create(settings, local);
    await expect(authenticator.authenticate({ apiKey: weak })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      message: expect.stringMatching(/API key 'weak' is too easy to guess/),
    });
    expect(await authenticator.authenticate({ apiKey: strong })).toMatchObject({ agentId: 'strong' });
  });

  it('by `serve` before it listens, and by `auth hash-key`', async () => {
    const serve = await runCli(['--db', ':memory:', 'serve', '--port', '0'], { TMWS_JWT_SECRET: ' '.repeat(40) });
    expect(serve.code).toBe(2);
    expect(serve.stderr).toMatch(/TMWS_JWT_SECRET: is empty or whitespace only/);
    const hashKey = await runCli(['auth', 'hash-key', 'password1234password1234']);
    expect(hashKey.code).toBe(2);
    expect(hashKey.stderr).toMatch(/key: is too easy to guess/);
  }, 60_000);
});

describe('serve at start-up', () => {
  it('prints the address the socket is actually bound to', async () => {
    const env = { TMWS_JWT_SECRET: STRONG };
    const anywhere = await startServeProcess(['--db', ':memory:'], env, ['--host', '0.0.0.0']);
    expect(anywhere.stdout()).toMatch(/^listening on http:\/\/0\.0\.0\.0:\d+ \(authentication required\)$/m);
    const port = new URL(anywhere.base).port;
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    const loopback = await startServeProcess(['--db', ':memory:'], env);
    expect(loopback.stdout()).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+ /m);
  }, 60_000);
});
