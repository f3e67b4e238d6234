import { UnknownPatternError } from '../errors.js';
import { PatternDefinition } from '../patterns/definition.js';
import type { PatternType } from '../patterns/pattern-type.js';
import type { PatternRegistry, RegisterOptions } from '../patterns/registry.js';

/** The registered patterns in match order, and the registry version they belong to. */
export interface PatternList {
  version: number;
  patterns: PatternDefinition[];
}

/** Pattern management on the engine's registry, with the checks the edges rely on. */
export class PatternOperations {
  readonly #registry: PatternRegistry;

  constructor(registry: PatternRegistry) {
    this.#registry = registry;
  }

  /** In match order; only one type's when given (ValidationError for an unknown type). */
  list(type?: PatternType): PatternList {
    return { version: this.#registry.version, patterns: this.#registry.list(type) };
  }

  /** Validates a snake_case config (as in pattern files) and registers it; bumps the registry version. */
  register(config: unknown, options: RegisterOptions = {}): PatternDefinition {
    const pattern = config instanceof PatternDefinition ? config : PatternDefinition.fromConfig(config);
    this.#registry.register(pattern, options);
    return pattern;
  }

  unregister(name: string): PatternDefinition {
    const pattern = this.get(name);
    this.#registry.unregister(pattern.name);
    return pattern;
  }

  get(name: string): PatternDefinition {
    const pattern = typeof name === 'string' ? this.#registry.get(name) : undefined;
    if (!pattern) {
      throw new UnknownPatternError(`No pattern named '${String(name)}' is registered`, { details: { name } });
    }
    return pattern;
  }
}
