import { z } from 'zod';
import { deepFreeze } from '../deep-freeze.js';
import { PayloadTooLargeError, UnsafePatternError, ValidationError } from '../errors.js';
import { checkJsonObject } from '../json-limits.js';
import { ACTION_NAMES, ACTIONS, DEFAULT_ACTION, isActionName, type ActionInfo, type ActionName } from './actions.js';
import { ParameterRules, parameterSpecSchema, type ParameterCheck, type ParameterSpec } from './parameters.js';
import { PATTERN_TYPES, type PatternType } from './pattern-type.js';
import { REGEX_LIMITS } from './regex-syntax.js';
import { compileTrigger, type CompiledTrigger } from './trigger.js';

/** Limits a pattern definition must respect; documented in the README. */
export const PATTERN_LIMITS = {
  nameMaxLength: 64,
  triggerMaxLength: 1000,
  maxCostTokens: 1_000_000,
  maxPriority: 1000,
  /** One day: a longer-lived cached result would outlive any reasonable data. */
  maxCacheTtl: 86_400,
  /** Longest query `match`/`explain` accept; `execute` uses the same (REQUEST_LIMITS.maxQueryLength). */
  maxQueryLength: 2000,
  /** Largest count in a trigger's `{n}`, `{n,}` or `{n,m}`. */
  maxRepeatCount: REGEX_LIMITS.maxRepeatCount,
  /** Largest trigger program, in RE2 instructions (about one per character, multiplied out by counts). */
  maxProgramSize: REGEX_LIMITS.maxProgramSize,
  /** Nesting of `metadata`, `params` and `parameters`, each object being level 1 (as for memory metadata). */
  maxFreeFormDepth: 8,
  /** Bytes of JSON of each of `metadata`, `params` and `parameters`. */
  maxFreeFormBytes: 16 * 1024,
} as const;

/**
 * The fields a config may fill with data of its own choosing. A definition is cloned,
 * hashed and serialized by code that recurses, so they are bounded before anything is
 * registered (a 2,500-level `metadata` once overflowed the stack on every later request).
 */
const FREE_FORM_FIELDS = ['metadata', 'params', 'parameters'] as const;
const FREE_FORM_LIMITS = {
  maxDepth: PATTERN_LIMITS.maxFreeFormDepth,
  maxBytes: PATTERN_LIMITS.maxFreeFormBytes,
} as const;

/** Who may run a pattern over HTTP/MCP, weakest first; each role includes the ones before it. */
export const ROLES = ['readonly', 'agent', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** A per-agent request budget a pattern may declare on top of the server-wide one. */
export interface PatternRateLimit {
  requests: number;
  perSeconds: number;
}

const NAME = /^[a-z][a-z0-9_]*$/;
const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DEFAULT_PRIORITY = 5;
const DEFAULT_CACHE_TTL = 300;

type JsonScalar = string | number | boolean;

/** The seed's snake_case configuration, as written in YAML/JSON pattern files and HTTP bodies. */
export const patternConfigSchema = z
  .strictObject({
    name: z
      .string()
      .max(PATTERN_LIMITS.nameMaxLength)
      .regex(NAME, 'must start with a lowercase letter and use only a-z, 0-9 and _')
      .describe('Unique name, reported as patternName.'),
    pattern_type: z
      .enum(PATTERN_TYPES as [PatternType, ...PatternType[]])
      .describe('Execution path: infrastructure (no memory access), memory, or hybrid.'),
    trigger_pattern: z
      .string()
      .min(1)
      .max(PATTERN_LIMITS.triggerMaxLength)
      .describe('Regex (RE2, always case-insensitive; no lookaround or backreferences). Named groups become params.'),
    cost_tokens: z.number().int().min(0).max(PATTERN_LIMITS.maxCostTokens).describe('Token cost of one execution.'),
    priority: z
      .number()
      .int()
      .min(-PATTERN_LIMITS.maxPriority)
      .max(PATTERN_LIMITS.maxPriority)
      .optional()
      .describe('Higher wins; ties go to the longer match, then to the earlier registration. Default: 5.'),
    cache_ttl: z
      .number()
      .int()
      .min(0)
      .max(PATTERN_LIMITS.maxCacheTtl)
      .optional()
      .describe('Seconds a successful read may be cached; 0 = never. Default: 300.'),
    // A string here (not an enum) so that an unknown action gets resolveAction's clearer message.
    action: z.string().optional().meta({
      description: "Action to run; must belong to the pattern's type. Default: per type.",
      enum: ACTION_NAMES,
    }),
    params: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .optional()
      .describe('Static parameters passed to the action; a named capture of the same name overrides one.'),
    parameters: z
      .record(z.string().regex(PARAMETER_NAME, 'must be a named group of the trigger'), parameterSpecSchema)
      .optional()
      .describe('Rules for named captures; a match whose captures break them is not a match.'),
    description: z.string().max(500).optional().describe('What the pattern does, shown by `patterns list`.'),
    metadata: z
      .record(z.string(), z.unknown())
      .refine((m) => typeof m['description'] !== 'string' || m['description'].length <= 500, {
        message: 'description: at most 500 characters (it is shown as the pattern description)',
      })
      .optional()
      .describe('Free-form data kept with the pattern; a string `description` here stands in for `description`.'),
    required_role: z
      .enum(ROLES)
      .optional()
      .describe(
        "Role a caller needs over HTTP/MCP; can only raise the action's own (reads: readonly, writes and tools: agent).",
      ),
    rate_limit: z
      .strictObject({
        requests: z.number().int().min(1).max(1_000_000),
        per_seconds: z.number().int().min(1).max(86_400),
      })
      .optional()
      .describe('Per-agent budget for this pattern over HTTP/MCP, on top of the server-wide one.'),
  })
  .describe('PatternConfig');

export type PatternConfig = z.input<typeof patternConfigSchema>;

/** Constructor input, in TypeScript casing. `trigger` may be a RegExp; triggers are always case-insensitive. */
export interface PatternDefinitionInit {
  name: string;
  patternType: PatternType;
  trigger: string | RegExp;
  costTokens: number;
  priority?: number;
  cacheTtl?: number;
  action?: ActionName | string;
  params?: Record<string, JsonScalar>;
  /** Rules for named captures (snake_case `parameters` in files). */
  parameters?: Record<string, ParameterSpec>;
  description?: string;
  metadata?: Record<string, unknown>;
  requiredRole?: Role;
  rateLimit?: PatternRateLimit;
}

/** An immutable, validated pattern: a trigger regex, the action it runs, and its cost and cache policy. */
export class PatternDefinition {
  readonly name: string;
  readonly patternType: PatternType;
  readonly triggerPattern: string;
  readonly costTokens: number;
  readonly priority: number;
  /** Seconds a successful result may be cached; 0 = never. Writes are never cached whatever this says. */
  readonly cacheTtl: number;
  readonly action: ActionName;
  readonly params: Readonly<Record<string, JsonScalar>>;
  readonly parameters: Readonly<Record<string, ParameterSpec>>;
  readonly description: string | undefined;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly trigger: CompiledTrigger;
  readonly #parameterRules: ParameterRules;
  /** The role declared in the definition, if any (see `required_role`). */
  readonly requiredRole: Role | undefined;
  readonly rateLimit: Readonly<PatternRateLimit> | undefined;

  constructor(init: PatternDefinitionInit) {
    const source = init.trigger instanceof RegExp ? regExpSource(init.trigger) : init.trigger;
    const config = parsePatternConfig({
      name: init.name,
      pattern_type: init.patternType,
      trigger_pattern: source,
      cost_tokens: init.costTokens,
      priority: init.priority,
      cache_ttl: init.cacheTtl,
      action: init.action,
      params: init.params,
      parameters: init.parameters,
      description: init.description,
      metadata: init.metadata,
      required_role: init.requiredRole,
      rate_limit: init.rateLimit && { requests: init.rateLimit.requests, per_seconds: init.rateLimit.perSeconds },
    });
    const action = resolveAction(config.action, config.pattern_type);
    this.name = config.name;
    this.patternType = config.pattern_type;
    this.triggerPattern = config.trigger_pattern;
    this.trigger = compileTrigger(config.trigger_pattern, 'trigger_pattern');
    this.costTokens = config.cost_tokens;
    this.priority = config.priority ?? DEFAULT_PRIORITY;
    this.cacheTtl = config.cache_ttl ?? DEFAULT_CACHE_TTL;
    this.action = action;
    // Deeply frozen: a definition is shared by the registry, its index and cached results.
    this.params = deepFreeze({ ...config.params });
    this.parameters = frozenCopy(config.parameters);
    this.#parameterRules = new ParameterRules(this.parameters, this.trigger.analysis.captureNames, this.params);
    this.description = config.description ?? stringOrUndefined(config.metadata?.['description']);
    this.metadata = frozenCopy(config.metadata);
    this.requiredRole = config.required_role;
    this.rateLimit =
      config.rate_limit &&
      Object.freeze({ requests: config.rate_limit.requests, perSeconds: config.rate_limit.per_seconds });
    Object.freeze(this);
  }

  /** Builds a definition from the seed's snake_case config; throws ValidationError naming the bad field. */
  static fromConfig(config: unknown): PatternDefinition {
    const parsed = parsePatternConfig(config);
    return new PatternDefinition({
      name: parsed.name,
      patternType: parsed.pattern_type,
      trigger: parsed.trigger_pattern,
      costTokens: parsed.cost_tokens,
      ...(parsed.priority !== undefined && { priority: parsed.priority }),
      ...(parsed.cache_ttl !== undefined && { cacheTtl: parsed.cache_ttl }),
      ...(parsed.action !== undefined && { action: parsed.action }),
      ...(parsed.params !== undefined && { params: parsed.params }),
      ...(parsed.parameters !== undefined && { parameters: parsed.parameters }),
      ...(parsed.description !== undefined && { description: parsed.description }),
      ...(parsed.metadata !== undefined && { metadata: parsed.metadata }),
      ...(parsed.required_role !== undefined && { requiredRole: parsed.required_role }),
      ...(parsed.rate_limit !== undefined && {
        rateLimit: { requests: parsed.rate_limit.requests, perSeconds: parsed.rate_limit.per_seconds },
      }),
    });
  }

  /**
   * The parameters the action receives for a trigger match: the static params overlaid with
   * the named captures, converted and checked against `parameters`.
   */
  resolveParams(captures: Readonly<Record<string, string>>): ParameterCheck {
    return this.#parameterRules.resolve(captures);
  }

  get actionInfo(): ActionInfo {
    return ACTIONS[this.action];
  }

  /** Seconds a successful result may be cached, after the action's own rules. */
  get effectiveCacheTtl(): number {
    return this.actionInfo.kind === 'read' ? this.cacheTtl : 0;
  }

  /** The snake_case wire form, as accepted by fromConfig. */
  toConfig(): z.output<typeof patternConfigSchema> {
    return {
      name: this.name,
      pattern_type: this.patternType,
      trigger_pattern: this.triggerPattern,
      cost_tokens: this.costTokens,
      priority: this.priority,
      cache_ttl: this.cacheTtl,
      action: this.action,
      params: { ...this.params },
      ...(Object.keys(this.parameters).length > 0 && { parameters: structuredClone(this.parameters) }),
      ...(this.description !== undefined && { description: this.description }),
      metadata: structuredClone(this.metadata),
      ...(this.requiredRole !== undefined && { required_role: this.requiredRole }),
      ...(this.rateLimit !== undefined && {
        rate_limit: { requests: this.rateLimit.requests, per_seconds: this.rateLimit.perSeconds },
      }),
    };
  }
}

function parsePatternConfig(config: unknown): z.output<typeof patternConfigSchema> {
  checkFreeFormFields(config);
  const result = patternConfigSchema.safeParse(config);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const record = typeof config === 'object' && config !== null ? (config as Record<string, unknown>) : {};
  // The trigger compiles only once the rest is valid; on this error path, check it as well
  // so that a report lists a bad regex beside the other problems (keeping UNSAFE_PATTERN's code).
  const trigger = record['trigger_pattern'];
  let unsafe = false;
  if (typeof trigger === 'string' && !issues.some((i) => i.path === 'trigger_pattern')) {
    try {
      compileTrigger(trigger, 'trigger_pattern');
    } catch (error) {
      unsafe = error instanceof UnsafePatternError;
      issues.push({ path: 'trigger_pattern', message: (error as Error).message.replace(/^trigger_pattern: /, '') });
    }
  }
  const label = typeof record['name'] === 'string' ? `Pattern '${record['name']}'` : 'Pattern config';
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  const Refusal = unsafe ? UnsafePatternError : ValidationError;
  throw new Refusal(`${label} is invalid: ${summary}`, { details: { issues } });
}

/** Bounds the free-form fields before zod or anything else walks them; throws naming the config and the path. */
function checkFreeFormFields(config: unknown): void {
  if (typeof config !== 'object' || config === null) return;
  const record = config as Record<string, unknown>;
  for (const field of FREE_FORM_FIELDS) {
    if (record[field] === undefined) continue;
    try {
      checkJsonObject(record[field], field, FREE_FORM_LIMITS);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const label = typeof record['name'] === 'string' ? `Pattern '${record['name'].slice(0, 64)}'` : 'Pattern config';
      const Refusal = error instanceof PayloadTooLargeError ? PayloadTooLargeError : ValidationError;
      throw new Refusal(`${label} is invalid: ${error.message}`, { details: error.details });
    }
  }
}

/** Triggers are always case-insensitive and RE2 has no equivalent of some JS flags: refuse those. */
function regExpSource(trigger: RegExp): string {
  const unsupported = trigger.flags.replace(/[giyud]/g, '');
  if (unsupported !== '') {
    throw new ValidationError(
      `trigger: RegExp flag(s) '${unsupported}' are not supported; use inline groups such as (?s) instead`,
    );
  }
  return trigger.source;
}

function resolveAction(action: string | undefined, type: PatternType): ActionName {
  if (action === undefined) return DEFAULT_ACTION[type];
  if (!isActionName(action)) {
    throw new ValidationError(`action: unknown action '${action}'; expected one of ${Object.keys(ACTIONS).join(', ')}`);
  }
  if (ACTIONS[action].type !== type) {
    throw new ValidationError(
      `action: '${action}' is a ${ACTIONS[action].type} action and cannot run from a ${type} pattern`,
    );
  }
  return action;
}

/** A deeply frozen copy; the common empty case skips structuredClone, which costs microseconds even for `{}`. */
function frozenCopy<T extends object>(value: T | undefined): T {
  if (value === undefined || Object.keys(value).length === 0) return Object.freeze({}) as T;
  return deepFreeze(structuredClone(value));
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
