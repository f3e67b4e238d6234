import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/index.js';
import { authConfigured, hashApiKey, loadAuthSettings } from '../../src/security/auth-config.js';
import { Authenticator } from '../../src/security/authenticator.js';
import { tempDir } from '../helpers/engine.js';
import { authFile, keyEntry } from './auth-fixtures.js';

/** Random-looking values: weak ones are refused (test/security/weak-secrets.test.ts). */
const FILE_KEY = 'tmws_file-key-Xq81bN2vLr5Tz0Pw';
const ENV_KEY = 'tmws_env-key-Hc47mJ9sQe2Vy6Ka';
const STRONG_SECRET = 'hs256-Wm3rT8qZp1Xv6Nc4Lb9Ks2Dg7Hj5Fy0A';
const local = { agentId: 'me', namespace: 'home', role: 'admin', credential: 'local' } as const;
describe('auth settings', () => {
  it('merge API keys from the file and TMWS_API_KEYS, and JWT settings from both', async () => {
    const file = authFile(
      `api_keys:\n  - id: from-file\n    sha256: ${hashApiKey(FILE_KEY)}\n    agent_id: filer\n    namespace: team\n    role: readonly\njwt:\n  issuer: tmws\n  hs256_secret: ${STRONG_SECRET}\n`,
    );
    const settings = await loadAuthSettings(
      { apiKeys: JSON.stringify([keyEntry('from-env', ENV_KEY)]), jwtAudience: 'agents' },
      file,
    );
    expect(settings.apiKeys.map((k) => k.id)).toEqual(['from-file', 'from-env']);
    expect(settings.jwt).toMatchObject({ issuer: 'tmws', audience: 'agents', hs256Secret: STRONG_SECRET });
    expect(settings.jwt?.maxLifetimeSeconds).toBeUndefined(); // the authenticator's default: 24 h
    expect(authConfigured(settings)).toBe(true);

    const authenticator = await Authenticator.create(settings, local);
    expect(await authenticator.authenticate({ apiKey: ENV_KEY })).toMatchObject({
      agentId: 'from-env',
      role: 'agent',
      credential: 'api-key:from-env',
    });
    expect(await authenticator.authenticate({ authorization: `Bearer ${FILE_KEY}` })).toMatchObject({
      agentId: 'filer',
      role: 'readonly',
    });
  });

  it('take the maximum token lifetime from the file, or TMWS_JWT_MAX_LIFETIME_SECONDS over it', async () => {
    const file = authFile(`jwt:\n  hs256_secret: ${STRONG_SECRET}\n  max_lifetime_seconds: 3600\n`);
    expect((await loadAuthSettings({}, file)).jwt?.maxLifetimeSeconds).toBe(3600);
    expect((await loadAuthSettings({ jwtMaxLifetime: '600' }, file)).jwt?.maxLifetimeSeconds).toBe(600);
    await expect(loadAuthSettings({ jwtMaxLifetime: 'a day' }, file)).rejects.toThrow(
      /TMWS_JWT_\*.*max_lifetime_seconds/,
    );
  });

  it('with nothing configured, every caller is the local principal', async () => {
    const settings = await loadAuthSettings({});
    expect(authConfigured(settings)).toBe(false);
    const authenticator = await Authenticator.create(settings, local);
    expect(authenticator.enabled).toBe(false);
    expect(await authenticator.authenticate({ authorization: 'Bearer whatever' })).toEqual(local);
  });

  it.each([
    [
      'a plain key instead of a hash',
      `api_keys:\n  - { id: k, sha256: my-secret-key, agent_id: a, namespace: n, role: agent }\n`,
      /64 hex/,
    ],
    [
      'an unknown role',
      `api_keys:\n  - { id: k, sha256: ${'a'.repeat(64)}, agent_id: a, namespace: n, role: root }\n`,
      /role/,
    ],
    ['an unknown field', `api_keys: []\nsecret: x\n`, /secret/],
    ['a short HS256 secret', `jwt:\n  hs256_secret: short\n`, /32 characters/],
    [
      'a maximum token lifetime of over a year',
      `jwt:\n  hs256_secret: ${STRONG_SECRET}\n  max_lifetime_seconds: 99999999\n`,
      /jwt\.max_lifetime_seconds/,
    ],
    ['an issuer without a key', `jwt:\n  issuer: tmws\n`, /no key/],
    [
      'a duplicate key',
      `api_keys:\n  - { id: a, sha256: ${'a'.repeat(64)}, agent_id: a, namespace: n, role: agent }\n  - { id: b, sha256: ${'A'.repeat(64)}, agent_id: b, namespace: n, role: agent }\n`,
      /same hash/,
    ],
    ['broken YAML', `api_keys: [\n`, /YAML/],
  ])('refuse a file with %s, naming the problem', async (_name, content, message) => {
    const promise = loadAuthSettings({}, authFile(content));
    await expect(promise).rejects.toBeInstanceOf(ValidationError);
    await expect(promise).rejects.toThrow(message);
  });

  it('refuse a missing file, bad TMWS_API_KEYS and a bad public key', async () => {
    await expect(loadAuthSettings({}, join(tempDir(), 'missing.yaml'))).rejects.toThrow(/cannot read/);
    await expect(loadAuthSettings({ apiKeys: 'not json' })).rejects.toThrow(/TMWS_API_KEYS/);
    await expect(loadAuthSettings({ apiKeys: '[{"id":"x"}]' })).rejects.toThrow(/TMWS_API_KEYS/);
    const settings = await loadAuthSettings({
      jwtPublicKey: '-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----',
    });
    await expect(Authenticator.create(settings, local)).rejects.toThrow(/rs256_public_key/);
  });
});
