import fastJson from 'fast-json-stringify';
import { z } from 'zod';

/**
 * Fastify's serializer compiler for routes whose response schemas are zod: each schema is
 * turned into JSON Schema once (z.toJSONSchema) and compiled into a serializer
 * (fast-json-stringify, what Fastify does for JSON Schemas), so a response is written in
 * one pass, in schema order, with undeclared fields left out, as the zod schemas strip them.
 * The responses come from typed mappers (gateway/wire.ts), so no validation pass runs on them.
 */
export function compileResponseSerializer({ schema }: { schema: unknown }): (data: unknown) => string {
  if (!(schema instanceof z.ZodType)) throw new TypeError('response schemas of this server are zod schemas');
  return fastJson(z.toJSONSchema(schema, { target: 'draft-7', io: 'output' }) as Parameters<typeof fastJson>[0]);
}
