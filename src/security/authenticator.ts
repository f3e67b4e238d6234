/**
 * @module security/authenticator
 * Turns a request's credential into a Principal: an API key (looked up by its SHA-256) or
 * a JWT (HS256 or RS256, verified by jose; `sub` = agent id, `roles`, `namespace`).
 */
import { errors as joseErrors, importSPKI, jwtVerify, type JWTPayload } from 'jose';
import { ForbiddenError, UnauthorizedError, ValidationError } from '../errors.js';
import { identifier } from '../memory/memory-record.js';
import {
  authConfigured,
  DEFAULT_JWT_MAX_LIFETIME_S,
  hashApiKey,
  type ApiKeyEntry,
  type AuthSettings,
} from './auth-config.js';
import { highestRole, type Principal } from './roles.js';
import { loadSecretChecker, type SecretChecker } from './secret-strength.js';

/** What a request carries: the Authorization header and/or an X-API-Key header. */
export interface Credentials {
  authorization?: string | undefined;
  apiKey?: string | undefined;
}

/** Longer credentials are refused before any parsing or hashing. */
const MAX_CREDENTIAL_LENGTH = 8192;
/** Seconds of clock skew tolerated on `exp` and `nbf`. */
const CLOCK_TOLERANCE_S = 5;
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]*$/;

type VerificationKey = Awaited<ReturnType<typeof importSPKI>> | Uint8Array;

export class Authenticator {
  readonly #keys: ReadonlyMap<string, ApiKeyEntry>;
  readonly #jwtKeys: ReadonlyMap<string, VerificationKey>;
  readonly #jwtOptions: { issuer?: string; audience?: string };
  readonly #jwtMaxLifetimeS: number;
  readonly #anonymous: Principal | undefined;
  readonly #secrets: SecretChecker | undefined;
  /** Key id → whether the key presented for it is strong enough (decided on first use: only hashes are configured). */
  readonly #strongKeys = new Map<string, boolean>();

  private constructor(
    keys: Map<string, ApiKeyEntry>,
    jwtKeys: Map<string, VerificationKey>,
    jwtOptions: { issuer?: string; audience?: string },
    jwtMaxLifetimeS: number,
    anonymous: Principal | undefined,
    secrets: SecretChecker | undefined,
  ) {
    this.#jwtMaxLifetimeS = jwtMaxLifetimeS;
    this.#secrets = secrets;
    this.#keys = keys;
    this.#jwtKeys = jwtKeys;
    this.#jwtOptions = jwtOptions;
    this.#anonymous = anonymous;
  }

  /**
   * With no credentials configured every request is `anonymous` (the caller decides
   * whether that is acceptable: the HTTP server allows it on loopback only).
   */
  static async create(settings: AuthSettings, anonymous: Principal): Promise<Authenticator> {
    const keys = new Map(settings.apiKeys.map((k) => [k.sha256, k]));
    const jwtKeys = new Map<string, VerificationKey>();
    const jwt = settings.jwt;
    if (jwt?.hs256Secret !== undefined) jwtKeys.set('HS256', new TextEncoder().encode(jwt.hs256Secret));
    if (jwt?.rs256PublicKey !== undefined) {
      try {
        jwtKeys.set('RS256', await importSPKI(jwt.rs256PublicKey, 'RS256'));
      } catch (error) {
        throw new ValidationError(
          `auth.jwt.rs256_public_key: not a usable RSA public key (${(error as Error).message})`,
          {
            cause: error,
          },
        );
      }
    }
    const options = {
      ...(jwt?.issuer !== undefined && { issuer: jwt.issuer }),
      ...(jwt?.audience !== undefined && { audience: jwt.audience }),
    };
    const secrets = keys.size > 0 ? await loadSecretChecker() : undefined;
    const maxLifetime = jwt?.maxLifetimeSeconds ?? DEFAULT_JWT_MAX_LIFETIME_S;
    return new Authenticator(
      keys,
      jwtKeys,
      options,
      maxLifetime,
      authConfigured(settings) ? undefined : anonymous,
      secrets,
    );
  }

  /** False when no credential is configured and every caller is the anonymous principal. */
  get enabled(): boolean {
    return this.#anonymous === undefined;
  }

  /** Throws UnauthorizedError (missing, malformed, expired or unknown credential) or ForbiddenError (no known role). */
  async authenticate(credentials: Credentials): Promise<Principal> {
    if (this.#anonymous) return this.#anonymous;
    const presented = readCredential(credentials);
    if (JWT_SHAPE.test(presented) && this.#jwtKeys.size > 0) return this.#verifyJwt(presented);
    const entry = this.#keys.get(hashApiKey(presented));
    if (!entry) throw new UnauthorizedError('Unknown API key or token');
    let strong = this.#strongKeys.get(entry.id);
    if (strong === undefined) {
      strong = this.#secrets?.weakness(presented) === undefined;
      this.#strongKeys.set(entry.id, strong);
    }
    if (!strong) {
      throw new UnauthorizedError(
        `API key '${entry.id}' is too easy to guess and is refused; replace it (tmws-patterns auth new-key)`,
      );
    }
    return { agentId: entry.agentId, namespace: entry.namespace, role: entry.role, credential: `api-key:${entry.id}` };
  }

  async #verifyJwt(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, (header) => this.#jwtKeys.get(header.alg) ?? new Uint8Array(), {
        algorithms: [...this.#jwtKeys.keys()],
        requiredClaims: ['sub', 'exp'],
        clockTolerance: CLOCK_TOLERANCE_S,
        ...this.#jwtOptions,
      }));
    } catch (error) {
      throw new UnauthorizedError(describeJoseError(error), { cause: error });
    }
    const tooLong = lifetimeProblem(payload, this.#jwtMaxLifetimeS, Date.now() / 1000);
    if (tooLong !== undefined) throw new UnauthorizedError(tooLong);
    const agentId = identifier.safeParse(payload.sub);
    if (!agentId.success) throw new UnauthorizedError("Token claim 'sub' is not a valid agent id");
    const namespace = identifier.safeParse(payload['namespace']);
    if (!namespace.success) throw new UnauthorizedError("Token has no valid 'namespace' claim");
    const rawRoles = payload['roles'];
    const role = highestRole(Array.isArray(rawRoles) ? rawRoles : [rawRoles]);
    if (role === undefined) {
      throw new ForbiddenError("Token claim 'roles' names no known role (readonly, agent, admin)", {
        details: { roles: rawRoles ?? null },
      });
    }
    return { agentId: agentId.data, namespace: namespace.data, role, credential: `jwt:${agentId.data}` };
  }
}

/** Long-lived tokens are refused: a stolen one would otherwise work for as long as its issuer let it. */
function lifetimeProblem(payload: JWTPayload, maxS: number, nowS: number): string | undefined {
  const exp = payload.exp!; // required by jwtVerify
  const limit = `this server's maximum token lifetime of ${maxS} s (${+(maxS / 3600).toFixed(2)} h)`;
  if (exp - nowS > maxS + CLOCK_TOLERANCE_S) {
    return `Token lives too long: its 'exp' is ${Math.round(exp - nowS)} s away, over ${limit}; issue tokens that expire sooner`;
  }
  if (typeof payload.iat === 'number' && exp - payload.iat > maxS + CLOCK_TOLERANCE_S) {
    return `Token lives too long: 'exp' − 'iat' is ${Math.round(exp - payload.iat)} s, over ${limit}; issue tokens that expire sooner`;
  }
  return undefined;
}

function readCredential({ authorization, apiKey }: Credentials): string {
  if (authorization !== undefined && apiKey !== undefined) {
    throw new UnauthorizedError('Send one credential: either Authorization or X-API-Key, not both');
  }
  let value = apiKey;
  if (authorization !== undefined) {
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
    if (!match) throw new UnauthorizedError("Authorization must be 'Bearer <API key or JWT>'");
    value = match[1];
  }
  if (value === undefined || value.trim() === '') {
    throw new UnauthorizedError('Missing credentials: send Authorization: Bearer <API key or JWT>, or X-API-Key');
  }
  if (value.length > MAX_CREDENTIAL_LENGTH) throw new UnauthorizedError('Credential is too long to be valid');
  return value.trim();
}

function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'Token has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed)
    return `Token claim '${error.claim}' is invalid (${error.reason})`;
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'Token algorithm is not accepted by this server';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'Token signature does not verify';
  return 'Token is malformed or cannot be verified';
}
