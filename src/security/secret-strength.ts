/**
 * @module security/secret-strength
 * Refuses secrets an attacker could guess: whitespace only, or fewer than 10^24 guesses
 * (about 80 bits) as estimated by zxcvbn-ts, which sees through repeats, sequences, keyboard
 * walks and common passwords where a length check or a character count would not (40
 * spaces, `password1234password1234…`). A random 32-character secret scores 10^32.
 */
import { createHash } from 'node:crypto';
import { ValidationError } from '../errors.js';

/** log10 of the guesses a secret must need at least. */
export const MIN_SECRET_GUESSES_LOG10 = 24;
/** Common passwords whose hashes are refused as API key entries (the most frequent first). */
const WEAK_KEY_HASHES_FROM_DICTIONARY = 1000;
/** Whitespace-only keys up to this length have their hashes refused too. */
const WHITESPACE_KEY_LENGTH = 128;

export interface SecretChecker {
  /** Why `secret` is weak, or undefined when it is strong enough. */
  weakness(secret: string): string | undefined;
  /** True when `sha256` (hex) is the hash of a whitespace-only or very common key. */
  isWeakKeyHash(sha256: string): boolean;
}

let loading: Promise<SecretChecker> | undefined;

/** Loaded once, on demand: the estimator and its dictionaries are only needed by servers. */
export function loadSecretChecker(): Promise<SecretChecker> {
  return (loading ??= createChecker());
}

/** Throws a ValidationError naming `field` when `secret` is weak. */
export async function assertStrongSecret(secret: string, field: string): Promise<void> {
  const weakness = (await loadSecretChecker()).weakness(secret);
  if (weakness !== undefined) throw new ValidationError(`${field}: ${weakness}`);
}

async function createChecker(): Promise<SecretChecker> {
  const [{ ZxcvbnFactory }, common] = await Promise.all([
    import('@zxcvbn-ts/core'),
    import('@zxcvbn-ts/language-common'),
  ]);
  const estimator = new ZxcvbnFactory({ dictionary: common.dictionary, graphs: common.adjacencyGraphs });
  const weakHashes = new Set<string>();
  const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
  for (let length = 0; length <= WHITESPACE_KEY_LENGTH; length++) {
    weakHashes.add(sha256(' '.repeat(length)));
    weakHashes.add(sha256('\t'.repeat(length)));
  }
  for (const password of common.dictionary['passwords-common'].slice(0, WEAK_KEY_HASHES_FROM_DICTIONARY)) {
    weakHashes.add(sha256(String(password)));
  }
  return {
    weakness(secret) {
      if (secret.trim() === '') return 'is empty or whitespace only';
      const { guessesLog10 } = estimator.check(secret);
      if (guessesLog10 >= MIN_SECRET_GUESSES_LOG10) return undefined;
      return `is too easy to guess (about 10^${Math.floor(guessesLog10)} guesses; at least 10^${MIN_SECRET_GUESSES_LOG10} needed): use a long random value, e.g. \`openssl rand -base64 32\``;
    },
    isWeakKeyHash: (hash) => weakHashes.has(hash.toLowerCase()),
  };
}
