import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashApiKey } from '../../src/security/auth-config.js';
import { tempDir } from '../helpers/engine.js';

/** An auth-file API key entry for `key`, the agent named like the entry. */
export const keyEntry = (id: string, key: string) => ({
  id,
  sha256: hashApiKey(key),
  agent_id: id,
  namespace: 'team',
  role: 'agent',
});

/** Writes an auth file into a temporary directory (removed after the test); returns its path. */
export function authFile(content: string): string {
  const path = join(tempDir(), 'auth.yaml');
  writeFileSync(path, content);
  return path;
}
