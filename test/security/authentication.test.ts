import { generateKeyPairSync } from 'node:crypto';
import { request } from 'node:http';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { checkBinding } from '../../src/http/server.js';
import { apiKeysFor, call, HS256_SECRET, signHs256, startTestServer } from '../helpers/server.js';

const artemis = { agentId: 'artemis', namespace: 'team-a', role: 'agent' } as const;

describe('API keys', () => {
  it('accepts a configured key (Bearer or X-API-Key) and scopes the caller from it', async () => {
    const { auth, keys } = apiKeysFor([artemis]);
    const { base } = await startTestServer({ auth });
    const bearer = await call(base, '/api/v1/pattern/execute', {
      body: { query: 'save note: use pgbouncer' },
      token: keys['artemis']!,
    });
    expect(bearer.status).toBe(200);
    expect(bearer.body['metadata']).toMatchObject({ agent_id: 'artemis', namespace: 'team-a' });
    const header = await call(base, '/api/v1/memories/search', {
      body: {},
      headers: { 'x-api-key': keys['artemis']! },
    });
    expect(header.status).toBe(200);
    expect(header.body['count']).toBe(1);
  });

  it.each([
    ['no credential', {}],
    ['an unknown key', { authorization: 'Bearer tmws_not-a-real-key' }],
    ['another scheme', { authorization: 'Basic YWxhZGRpbjpvcGVuc2VzYW1l' }],
    ['an empty bearer', { authorization: 'Bearer ' }],
    ['an oversized credential', { authorization: `Bearer ${'x'.repeat(9000)}` }],
    ['two credentials', { authorization: 'Bearer a', 'x-api-key': 'b' }],
  ])('answers 401 UNAUTHORIZED with WWW-Authenticate for %s', async (_name, headers) => {
    const { auth } = apiKeysFor([artemis]);
    const { base, engine } = await startTestServer({ auth });
    const response = await call(base, '/api/v1/pattern/execute', { body: { query: 'save note: leaked' }, headers });
    expect(response.status).toBe(401);
    expect(response.body['code']).toBe('UNAUTHORIZED');
    expect(response.headers.get('www-authenticate')).toContain('Bearer');
    expect(await engine.countMemories({ namespace: 'team-a', agentId: 'x', admin: true })).toBe(0);
  });

  it('leaves probes and the OpenAPI document open, and protects metrics and MCP', async () => {
    const { auth } = apiKeysFor([artemis]);
    const { base } = await startTestServer({ auth });
    expect((await call(base, '/health')).status).toBe(200);
    expect((await call(base, '/ready')).status).toBe(200);
    expect((await call(base, '/openapi.json')).status).toBe(200);
    expect((await call(base, '/metrics')).status).toBe(401);
    expect((await call(base, '/mcp', { body: { jsonrpc: '2.0', id: 1, method: 'tools/list' } })).status).toBe(401);
  });
});

describe('JWT', () => {
  const claims = { roles: ['agent'], namespace: 'team-a' };

  it('accepts HS256 tokens: sub is the agent, the highest known role wins', async () => {
    const { base } = await startTestServer({ auth: { apiKeys: [], jwt: { hs256Secret: HS256_SECRET } } });
    const token = await signHs256(
      { roles: ['readonly', 'agent', 'wizard'], namespace: 'team-a' },
      { subject: 'athena', expiresIn: '5m' },
    );
    const response = await call(base, '/api/v1/pattern/execute', { body: { query: 'save note: tokens work' }, token });
    expect(response.status).toBe(200);
    expect(response.body['metadata']).toMatchObject({ agent_id: 'athena', namespace: 'team-a' });
  });

  it('accepts RS256 tokens signed by the configured key only', async () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const { base } = await startTestServer({
      auth: { apiKeys: [], jwt: { rs256PublicKey: publicPem, issuer: 'tmws-test' } },
    });
    const sign = (key: typeof pair.privateKey, issuer = 'tmws-test') =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256' })
        .setSubject('hera')
        .setIssuer(issuer)
        .setExpirationTime('5m')
        .sign(key);

    const good = await call(base, '/api/v1/pattern/stats', { token: await sign(pair.privateKey) });
    expect(good.status).toBe(200);
    const forged = await call(base, '/api/v1/pattern/stats', { token: await sign(other.privateKey) });
    expect(forged.status).toBe(401);
    expect(forged.body['message']).toMatch(/signature/);
    const wrongIssuer = await call(base, '/api/v1/pattern/stats', {
      token: await sign(pair.privateKey, 'someone-else'),
    });
    expect(wrongIssuer.status).toBe(401);
    expect(wrongIssuer.body['message']).toMatch(/iss/);
    // An HS256 token "signed" with the public key must not pass as RS256 (algorithm confusion).
    const confused = await signHs256(claims, { secret: publicPem, subject: 'hera', expiresIn: '5m' });
    expect((await call(base, '/api/v1/pattern/stats', { token: confused })).status).toBe(401);
  });

  it.each([
    [
      'expired',
      () => signHs256(claims, { subject: 'athena', expiresIn: Math.floor(Date.now() / 1000) - 60 }),
      /expired/,
    ],
    ['without exp', () => signHs256(claims, { subject: 'athena' }), /exp/],
    ['without sub', () => signHs256(claims, { expiresIn: '5m' }), /sub/],
    ['with a bad sub', () => signHs256(claims, { subject: 'no spaces allowed', expiresIn: '5m' }), /sub/],
    ['without namespace', () => signHs256({ roles: ['agent'] }, { subject: 'athena', expiresIn: '5m' }), /namespace/],
    [
      'signed with another secret',
      () => signHs256(claims, { subject: 'athena', expiresIn: '5m', secret: 'x'.repeat(40) }),
      /signature/,
    ],
    ['malformed', async () => 'abc.def.ghi', /malformed|Unknown/],
  ])('refuses a token %s with 401', async (_name, makeToken, message) => {
    const { base, engine } = await startTestServer({ auth: { apiKeys: [], jwt: { hs256Secret: HS256_SECRET } } });
    const response = await call(base, '/api/v1/pattern/execute', {
      body: { query: 'save note: nope' },
      token: await makeToken(),
    });
    expect(response.status).toBe(401);
    expect(response.body['code']).toBe('UNAUTHORIZED');
    expect(response.body['message']).toMatch(message);
    expect(await engine.countMemories({ namespace: 'team-a', agentId: 'athena', admin: true })).toBe(0);
  });

  it('refuses a token that lives longer than the maximum lifetime (24 h unless configured)', async () => {
    const { base } = await startTestServer({ auth: { apiKeys: [], jwt: { hs256Secret: HS256_SECRET } } });
    const now = Math.floor(Date.now() / 1000);
    const statusOf = async (expiresIn: number, iat?: number) => {
      let jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('athena');
      jwt = jwt.setIssuedAt(iat ?? now).setExpirationTime(expiresIn);
      const response = await call(base, '/api/v1/pattern/stats', {
        token: await jwt.sign(new TextEncoder().encode(HS256_SECRET)),
      });
      return { status: response.status, code: response.body['code'], message: response.body['message'] };
    };
    // exp in the year 33658, as a token "that never expires" was once minted to get through.
    expect(new Date(999_999_999_999 * 1000).getUTCFullYear()).toBe(33658);
    expect(await statusOf(999_999_999_999)).toEqual({
      status: 401,
      code: 'UNAUTHORIZED',
      message: expect.stringMatching(
        /^Token lives too long: its 'exp' is \d+ s away, over this server's maximum token lifetime of 86400 s \(24 h\); issue tokens that expire sooner$/,
      ) as unknown,
    });
    expect((await statusOf(now + 25 * 3600)).status).toBe(401);
    // exp − iat counts too: a token issued two days ago to live three days is refused though it expires tomorrow.
    expect(await statusOf(now + 20 * 3600, now - 48 * 3600)).toMatchObject({
      status: 401,
      message: expect.stringMatching(/'exp' − 'iat' is 244800 s/) as unknown,
    });
    expect((await statusOf(now + 23 * 3600)).status).toBe(200);

    const longer = await startTestServer({
      auth: { apiKeys: [], jwt: { hs256Secret: HS256_SECRET, maxLifetimeSeconds: 7 * 86_400 } },
    });
    const weekToken = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('athena')
      .setIssuedAt()
      .setExpirationTime('6d')
      .sign(new TextEncoder().encode(HS256_SECRET));
    expect((await call(longer.base, '/api/v1/pattern/stats', { token: weekToken })).status).toBe(200);
    expect((await call(base, '/api/v1/pattern/stats', { token: weekToken })).status).toBe(401);
  });

  it('refuses a valid token that grants no known role with 403', async () => {
    const { base } = await startTestServer({ auth: { apiKeys: [], jwt: { hs256Secret: HS256_SECRET } } });
    const token = await signHs256(
      { roles: ['superuser'], namespace: 'team-a' },
      { subject: 'athena', expiresIn: '5m' },
    );
    const response = await call(base, '/api/v1/pattern/stats', { token });
    expect(response.status).toBe(403);
    expect(response.body['code']).toBe('FORBIDDEN');
  });
});

describe('serving without credentials', () => {
  it('is allowed on loopback only', () => {
    expect(() => checkBinding('127.0.0.1', false)).not.toThrow();
    expect(() => checkBinding('::1', false)).not.toThrow();
    expect(() => checkBinding('localhost', false)).not.toThrow();
    expect(() => checkBinding('0.0.0.0', false)).toThrow(/without authentication/);
    expect(() => checkBinding('::', false)).toThrow(/without authentication/);
    expect(() => checkBinding('192.168.1.10', false)).toThrow(/without authentication/);
    expect(() => checkBinding('0.0.0.0', true)).not.toThrow();
  });

  it('refuses requests addressed to a foreign host name (DNS rebinding)', async () => {
    const { base } = await startTestServer();
    // fetch may not set Host, so plain node:http sends these.
    const statusFor = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const url = new URL('/api/v1/pattern/stats', base);
        request({ hostname: url.hostname, port: url.port, path: url.pathname, headers: { host } }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        })
          .on('error', reject)
          .end();
      });
    expect(await statusFor('attacker.example')).toBe(401);
    expect(await statusFor('attacker.example:80')).toBe(401);
    expect(await statusFor('localhost')).toBe(200);
    expect(await statusFor(new URL(base).host)).toBe(200);
  });

  it('still refuses a body naming another agent or namespace', async () => {
    const { base, engine } = await startTestServer({
      anonymous: { agentId: 'me', namespace: 'home', role: 'admin', credential: 'local' },
    });
    const response = await call(base, '/api/v1/pattern/execute', {
      body: { query: 'save note: impersonation', context: { agent_id: 'someone-else' } },
    });
    expect(response.status).toBe(403);
    expect(response.body['message']).toMatch(/comes from your credential/);
    const same = await call(base, '/api/v1/pattern/execute', {
      body: { query: 'save note: same agent is fine', context: { agent: 'me', namespace: 'home' } },
    });
    expect(same.status).toBe(200);
    expect(await engine.countMemories({ namespace: 'home', agentId: 'me' })).toBe(1);
  });
});
