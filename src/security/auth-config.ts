/**
 * @module security/auth-config
 * Credentials the server accepts, read from an auth file (YAML or JSON) and the
 * environment. API keys are stored as SHA-256 hashes only: keys are long random strings
 * (see generateApiKey), so a fast hash is enough and keeps each request cheap, where a
 * password hash (scrypt) would cost tens of milliseconds per request.
 */
import { hash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { ServingEnvironment } from '../config.js';
import { ValidationError } from '../errors.js';
import { identifier } from '../memory/memory-record.js';
import { parseOrThrow } from '../validation.js';
import { ROLES, type Role } from './roles.js';
import { assertStrongSecret, loadSecretChecker } from './secret-strength.js';

export interface ApiKeyEntry {
  /** A label for logs and the audit trail; never the key itself. */
  id: string;
  /** Hex SHA-256 of the key. */
  sha256: string;
  agentId: string;
  namespace: string;
  role: Role;
}

export interface JwtSettings {
  /** Shared secret for HS256 tokens (32 characters or more). */
  hs256Secret?: string | undefined;
  /** PEM (SPKI) public key for RS256 tokens. */
  rs256PublicKey?: string | undefined;
  /** Required `iss` claim, when set. */
  issuer?: string | undefined;
  /** Required `aud` claim, when set. */
  audience?: string | undefined;
  /** Longest a token may live: `exp` no further ahead than this, nor `exp − iat` longer. @default 86400 (24 h) */
  maxLifetimeSeconds?: number | undefined;
}

/** Tokens living longer are refused (see JwtSettings.maxLifetimeSeconds). */
export const DEFAULT_JWT_MAX_LIFETIME_S = 86_400;
/** The longest lifetime a server may be configured to accept: a year. */
const MAX_JWT_MAX_LIFETIME_S = 366 * 86_400;

export interface AuthSettings {
  apiKeys: ApiKeyEntry[];
  jwt: JwtSettings | undefined;
}

const apiKeySchema = z.strictObject({
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[\w.:-]+$/, 'use letters, digits and . _ : -'),
  sha256: z
    .string()
    .regex(
      /^[0-9a-fA-F]{64}$/,
      'expected the SHA-256 of the key as 64 hex digits (`tmws-patterns auth new-key` prints it)',
    ),
  agent_id: identifier,
  namespace: identifier,
  role: z.enum(ROLES),
});

const jwtSchema = z.strictObject({
  hs256_secret: z.string().min(32, 'an HS256 secret needs at least 32 characters').optional(),
  rs256_public_key: z.string().includes('BEGIN PUBLIC KEY', { message: 'expected a PEM public key (SPKI)' }).optional(),
  issuer: z.string().min(1).optional(),
  audience: z.string().min(1).optional(),
  max_lifetime_seconds: z.coerce.number().int().min(60).max(MAX_JWT_MAX_LIFETIME_S).optional(),
});

const authFileSchema = z.strictObject({
  api_keys: z.array(apiKeySchema).max(100_000).optional(),
  jwt: jwtSchema.optional(),
});

export type AuthFile = z.input<typeof authFileSchema>;

/** Merges the auth file (option, else TMWS_AUTH_FILE) with TMWS_API_KEYS and the TMWS_JWT_* variables. */
export async function loadAuthSettings(env: ServingEnvironment, file = env.authFile): Promise<AuthSettings> {
  const fromFile = file === undefined ? {} : await readAuthFile(file);
  const envKeys = env.apiKeys === undefined ? [] : parseEnvKeys(env.apiKeys);
  await refuseWeakKeyHashes(fromFile.api_keys ?? [], `auth file '${file}': api_keys`);
  await refuseWeakKeyHashes(envKeys, 'TMWS_API_KEYS');
  const keys = [...(fromFile.api_keys ?? []), ...envKeys].map((k): ApiKeyEntry => ({
    id: k.id,
    sha256: k.sha256.toLowerCase(),
    agentId: k.agent_id,
    namespace: k.namespace,
    role: k.role,
  }));
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key.sha256)) throw new ValidationError(`auth: API key '${key.id}' has the same hash as another key`);
    seen.add(key.sha256);
  }
  if (env.jwtSecret !== undefined) await assertStrongSecret(env.jwtSecret, 'TMWS_JWT_SECRET');
  const jwtEnv = parseOrThrow(
    jwtSchema,
    dropUndefined({
      hs256_secret: env.jwtSecret,
      rs256_public_key: env.jwtPublicKey,
      issuer: env.jwtIssuer,
      audience: env.jwtAudience,
      max_lifetime_seconds: env.jwtMaxLifetime,
    }),
    'environment (TMWS_JWT_*)',
  );
  if (fromFile.jwt?.hs256_secret !== undefined && jwtEnv.hs256_secret === undefined) {
    await assertStrongSecret(fromFile.jwt.hs256_secret, `auth file '${file}': jwt.hs256_secret`);
  }
  const jwt = { ...fromFile.jwt, ...jwtEnv };
  const hasJwtKey = jwt.hs256_secret !== undefined || jwt.rs256_public_key !== undefined;
  if (!hasJwtKey && (jwt.issuer !== undefined || jwt.audience !== undefined)) {
    throw new ValidationError('auth.jwt: an issuer or audience is set but no key (hs256_secret or rs256_public_key)');
  }
  return {
    apiKeys: keys,
    jwt: hasJwtKey
      ? {
          hs256Secret: jwt.hs256_secret,
          rs256PublicKey: jwt.rs256_public_key,
          issuer: jwt.issuer,
          audience: jwt.audience,
          maxLifetimeSeconds: jwt.max_lifetime_seconds,
        }
      : undefined,
  };
}

export function authConfigured(settings: AuthSettings): boolean {
  return settings.apiKeys.length > 0 || settings.jwt !== undefined;
}

export function hashApiKey(key: string): string {
  return hash('sha256', key, 'hex');
}

/** 256 random bits, prefixed so a leaked key is recognisable in logs and secret scanners. */
export function generateApiKey(): string {
  return `tmws_${randomBytes(32).toString('base64url')}`;
}

async function readAuthFile(file: string): Promise<z.output<typeof authFileSchema>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ValidationError(`auth file '${file}': cannot read it (${(error as Error).message})`, { cause: error });
  }
  let raw: unknown;
  try {
    raw = (await import('yaml')).parse(text);
  } catch (error) {
    throw new ValidationError(`auth file '${file}': not valid YAML/JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
  return parseAuthFile(raw, file);
}

/** Checks the parsed content of an auth file (`file` names it in messages). */
export function parseAuthFile(raw: unknown, file: string): z.output<typeof authFileSchema> {
  return parseOrThrow(authFileSchema, raw ?? {}, `auth file '${file}'`);
}

function parseEnvKeys(text: string): Array<z.output<typeof apiKeySchema>> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`TMWS_API_KEYS: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  return parseOrThrow(z.array(apiKeySchema), raw, 'TMWS_API_KEYS');
}

/** Only hashes are configured, so what can be caught here is the hash of a whitespace-only or very common key. */
async function refuseWeakKeyHashes(keys: ReadonlyArray<{ id: string; sha256: string }>, where: string): Promise<void> {
  if (keys.length === 0) return;
  const checker = await loadSecretChecker();
  keys.forEach((key, i) => {
    if (checker.isWeakKeyHash(key.sha256)) {
      throw new ValidationError(
        `${where}[${i}] (id '${key.id}').sha256: is the hash of a whitespace-only or very common key; generate one with \`tmws-patterns auth new-key\``,
      );
    }
  });
}

function dropUndefined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
