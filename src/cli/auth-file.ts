import { randomBytes } from 'node:crypto';
import { chmod, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ValidationError } from '../errors.js';
import { parseAuthFile, type AuthFile } from '../security/auth-config.js';

type ApiKeyFileEntry = NonNullable<AuthFile['api_keys']>[number];

/**
 * Adds an API key entry to an auth file, creating the file (owner-only, 0600) if it does not
 * exist. An existing file keeps its comments and layout (edited as a YAML document) and its
 * permissions; the result is checked as `serve` checks it, and written to a temporary file
 * renamed over the old one, so a failure never leaves a half-written file. An id already in
 * the file is refused.
 */
export async function addApiKeyToFile(file: string, entry: ApiKeyFileEntry): Promise<void> {
  const existing = await readIfPresent(file);
  const { isSeq, parseDocument } = await import('yaml');
  const document = parseDocument(existing?.text ?? '');
  if (document.errors.length > 0) {
    throw new ValidationError(`auth file '${file}': not valid YAML/JSON (${document.errors[0]!.message})`);
  }
  const current = parseAuthFile(document.toJS(), file);
  if (current.api_keys?.some((key) => key.id === entry.id)) {
    throw new ValidationError(`auth file '${file}': already has an API key with id '${entry.id}'; choose another --id`);
  }
  const keys = document.get('api_keys');
  if (isSeq(keys)) keys.add(document.createNode(entry));
  else document.set('api_keys', document.createNode([entry]));
  parseAuthFile(document.toJS(), file);
  await writeAtomically(file, document.toString(), existing?.mode ?? 0o600);
}

async function readIfPresent(file: string): Promise<{ text: string; mode: number } | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    return { text, mode: info.mode & 0o777 };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ValidationError(`auth file '${file}': cannot read it (${(error as Error).message})`, { cause: error });
  }
}

async function writeAtomically(file: string, text: string, mode: number): Promise<void> {
  const temporary = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temporary, 'wx', mode);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await chmod(temporary, mode); // the process umask may have narrowed what open() set
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new ValidationError(`auth file '${file}': cannot write it (${(error as Error).message})`, { cause: error });
  }
}
