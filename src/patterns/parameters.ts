import type { RE2JS } from 're2js';
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { compileRegex } from './trigger.js';

type ParamValue = string | number | boolean;

/** How one named capture must look for the trigger's match to count. */
export const parameterSpecSchema = z
  .strictObject({
    type: z
      .enum(['string', 'integer', 'number'])
      .optional()
      .describe('Shape of the captured text; integer and number values are converted. Default: string.'),
    pattern: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('RE2 regex the whole captured text must match (case-insensitive).'),
    enum: z
      .array(z.union([z.string(), z.number()]))
      .min(1)
      .max(100)
      .optional()
      .describe('Allowed values; strings compare case-insensitively and take the spelling listed here.'),
    min: z.number().optional().describe('Lowest value (numbers) or shortest length (strings).'),
    max: z.number().optional().describe('Highest value (numbers) or longest length (strings).'),
    required: z
      .boolean()
      .optional()
      .describe('Whether a match without this capture (and without a static default) is rejected. Default: true.'),
    description: z.string().max(500).optional(),
  })
  .describe('ParameterSpec');

export type ParameterSpec = z.output<typeof parameterSpecSchema>;

export type ParameterCheck =
  | { ok: true; params: Record<string, ParamValue> }
  | { ok: false; errors: string[]; params: Record<string, ParamValue> };

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

/**
 * A pattern's declared parameters, compiled once: checks and converts the trigger's named
 * captures. A match whose captures fail is not a match (the registry tries the next pattern).
 */
export class ParameterRules {
  readonly #specs: ReadonlyArray<[string, ParameterSpec, RE2JS | undefined]>;
  readonly #defaults: Readonly<Record<string, ParamValue>>;

  /**
   * Throws ValidationError when a declared name is not a capture of the trigger, a bound is
   * inverted, an enum value has the wrong type, or a static default breaks its own rule.
   */
  constructor(
    specs: Readonly<Record<string, ParameterSpec>>,
    captureNames: readonly string[],
    defaults: Readonly<Record<string, ParamValue>>,
  ) {
    this.#specs = Object.entries(specs).map(([name, spec]) => [name, spec, compileSpec(name, spec, captureNames)]);
    const converted: Record<string, ParamValue> = { ...defaults };
    for (const [name, spec, shape] of this.#specs) {
      const fallback = defaults[name];
      if (fallback === undefined) continue;
      // A default takes its declared type too, so `top` and `top 7` both give a number.
      const { value, error } = checkValue(spec, shape, String(fallback));
      if (error !== undefined) throw new ValidationError(`params.${name}: the default ${error}`);
      converted[name] = value;
    }
    this.#defaults = converted;
  }

  /** The static params overlaid with the captures, converted and checked. */
  resolve(captures: Readonly<Record<string, string>>): ParameterCheck {
    const params: Record<string, ParamValue> = { ...this.#defaults, ...captures };
    const errors: string[] = [];
    for (const [name, spec, shape] of this.#specs) {
      const raw = captures[name];
      if (raw === undefined) {
        if (this.#defaults[name] === undefined && spec.required !== false) errors.push(`${name}: missing`);
        continue;
      }
      const { value, error } = checkValue(spec, shape, raw);
      if (error !== undefined) errors.push(`${name}: ${error}`);
      else params[name] = value;
    }
    return errors.length === 0 ? { ok: true, params } : { ok: false, errors, params };
  }
}

function checkValue(spec: ParameterSpec, shape: RE2JS | undefined, raw: string): { value: ParamValue; error?: string } {
  const type = spec.type ?? 'string';
  if (type === 'string') {
    if (spec.min !== undefined && raw.length < spec.min) return { value: raw, error: `shorter than ${spec.min}` };
    if (spec.max !== undefined && raw.length > spec.max) return { value: raw, error: `longer than ${spec.max}` };
    if (shape && !shape.test(raw)) return { value: raw, error: `'${raw}' does not match ${spec.pattern}` };
    if (spec.enum) {
      const listed = spec.enum.find((v) => String(v).toLowerCase() === raw.toLowerCase());
      if (listed === undefined) return { value: raw, error: `'${raw}' is not one of ${spec.enum.join(', ')}` };
      return { value: String(listed) };
    }
    return { value: raw };
  }
  if (!(type === 'integer' ? INTEGER : NUMBER).test(raw))
    return { value: raw, error: `'${raw}' is not ${article(type)}` };
  const value = Number(raw);
  if (type === 'integer' && !Number.isSafeInteger(value)) return { value, error: `'${raw}' is out of range` };
  if (spec.min !== undefined && value < spec.min) return { value, error: `${value} is below ${spec.min}` };
  if (spec.max !== undefined && value > spec.max) return { value, error: `${value} is above ${spec.max}` };
  if (spec.enum && !spec.enum.some((v) => v === value)) {
    return { value, error: `${value} is not one of ${spec.enum.join(', ')}` };
  }
  return { value };
}

function compileSpec(name: string, spec: ParameterSpec, captureNames: readonly string[]): RE2JS | undefined {
  const field = `parameters.${name}`;
  if (!captureNames.includes(name)) {
    const known = captureNames.length > 0 ? captureNames.join(', ') : 'none';
    throw new ValidationError(`${field}: the trigger has no named group (?<${name}>…); its named groups: ${known}`);
  }
  if (spec.min !== undefined && spec.max !== undefined && spec.min > spec.max) {
    throw new ValidationError(`${field}: min ${spec.min} is above max ${spec.max}`);
  }
  const type = spec.type ?? 'string';
  if (spec.pattern !== undefined && type !== 'string') {
    throw new ValidationError(`${field}: pattern applies to string parameters only`);
  }
  if (spec.enum?.some((v) => typeof v !== (type === 'string' ? 'string' : 'number'))) {
    throw new ValidationError(`${field}: enum values must be ${type === 'string' ? 'strings' : 'numbers'}`);
  }
  if (spec.pattern === undefined) return undefined;
  // Compiled alone first, so a pattern such as 'a)|(b' cannot escape the whole-value anchors below.
  compileRegex(spec.pattern, `${field}.pattern`);
  return compileRegex(`^(?:${spec.pattern})$`, `${field}.pattern`);
}

function article(type: string): string {
  return type === 'integer' ? 'an integer' : 'a number';
}
