// Writes schema/pattern-file.schema.json from the zod schema the loader validates with (run after build).
// test/patterns/pattern-file-schema.test.ts fails when the committed file drifts from it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { format } from 'prettier';
import { patternFileJsonSchema } from '../dist/patterns/pattern-file-schema.js';

const target = new URL('../schema/pattern-file.schema.json', import.meta.url);
mkdirSync(new URL('.', target), { recursive: true });
writeFileSync(target, await format(JSON.stringify(patternFileJsonSchema()), { parser: 'json' }));
console.log(`wrote ${target.pathname}`);
