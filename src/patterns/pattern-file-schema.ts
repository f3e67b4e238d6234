import { z } from 'zod';
import { patternConfigSchema } from './definition.js';

/** A pattern file: a list of pattern configs, or `{ patterns: [...] }` (which may name its `$schema`). */
const patternConfig = patternConfigSchema.meta({ id: 'PatternConfig' });

export const patternFileSchema = z
  .union([
    z.array(patternConfig),
    z.strictObject({
      $schema: z.string().optional().describe('The JSON Schema of this file, for editors.'),
      patterns: z.array(patternConfig),
    }),
  ])
  .describe('A tmws-patterns pattern file (YAML or JSON).');

/**
 * The JSON Schema of pattern files, generated from the pattern config schema the loader
 * validates every pattern with (the loader checks the top level itself, to report each
 * problem with its line), so editors and the service agree. Committed as
 * schema/pattern-file.schema.json.
 */
export function patternFileJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(patternFileSchema, { target: 'draft-2020-12' });
  const { $schema, ...rest } = generated as Record<string, unknown>;
  return { $schema, title: 'tmws-patterns pattern file', ...rest };
}
