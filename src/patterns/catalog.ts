import { fileURLToPath } from 'node:url';
import type { PatternDefinition } from './definition.js';
import { loadPatternFiles } from './file-loader.js';

/** The catalog file shipped beside this module (copied to dist/ by the build). */
export const BUILTIN_CATALOG_PATH = fileURLToPath(new URL('./catalog.yaml', import.meta.url));

/** The built-in pattern catalog of ARCHITECTURE.md. */
export function loadBuiltinCatalog(): Promise<PatternDefinition[]> {
  return loadPatternFiles(BUILTIN_CATALOG_PATH);
}
