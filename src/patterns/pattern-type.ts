/** The three execution strategies a pattern can use. */
export const PatternType = {
  INFRASTRUCTURE: 'infrastructure',
  MEMORY: 'memory',
  HYBRID: 'hybrid',
} as const;
export type PatternType = (typeof PatternType)[keyof typeof PatternType];
export const PATTERN_TYPES: readonly PatternType[] = Object.values(PatternType);

/** How much of the service an execution may use. */
export const ExecutionMode = {
  /** Infrastructure patterns only; never reads or writes memories. */
  FAST: 'fast',
  /** Best match by priority; unmatched queries are routed (the default). */
  BALANCED: 'balanced',
  /** Everything; memory reads are served by the hybrid path. */
  COMPREHENSIVE: 'comprehensive',
  /**
   * @deprecated The seed guide's examples pass `ExecutionMode.HYBRID`, which its own
   * enum never defined; it is kept as an alias of COMPREHENSIVE so they run unchanged.
   */
  HYBRID: 'comprehensive',
} as const;
export type ExecutionMode = (typeof ExecutionMode)[keyof typeof ExecutionMode];
export const EXECUTION_MODES: readonly ExecutionMode[] = ['fast', 'balanced', 'comprehensive'];

/** Pattern types each mode may execute. */
export const MODE_ALLOWED_TYPES: Readonly<Record<ExecutionMode, readonly PatternType[]>> = {
  fast: ['infrastructure'],
  balanced: PATTERN_TYPES,
  comprehensive: PATTERN_TYPES,
};
