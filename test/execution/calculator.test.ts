import { describe, expect, it } from 'vitest';
import { ExecutionFailedError, ValidationError } from '../../src/index.js';
import { CALCULATOR_LIMITS, evaluateExpression } from '../../src/execution/executors/calculator.js';

describe('evaluateExpression', () => {
  it.each([
    ['2 + 3 * 4', 14],
    ['(10 - 4) / 3', 2],
    ['2 ^ 3 ^ 2', 512],
    ['-2 ^ 2', -4],
    ['--3', 3],
    ['2 ^ -1', 0.5],
    ['10 % 4', 2],
    ['.5 + 1.25', 1.75],
    ['((((1))))', 1],
    ['  7  ', 7],
  ])('%s = %d', (expression, value) => {
    expect(evaluateExpression(expression)).toBe(value);
  });

  it.each([
    ['', /empty/],
    ['2 +', /ends too early/],
    ['(1 + 2', /missing closing parenthesis/],
    ['1 + 2)', /unexpected '\)'/],
    ['2 $ 3', /unexpected character '\$'/],
    ['process.exit()', /unexpected character 'p'/],
    ['('.repeat(40) + '1' + ')'.repeat(40), /nested deeper/],
    ['1+'.repeat(200) + '1', /longer than/],
  ])('rejects %j', (expression, message) => {
    expect(() => evaluateExpression(expression)).toThrow(ValidationError);
    expect(() => evaluateExpression(expression)).toThrow(message);
  });

  it('refuses division by zero and non-finite results', () => {
    expect(() => evaluateExpression('1 / 0')).toThrow(ExecutionFailedError);
    expect(() => evaluateExpression('5 % (2 - 2)')).toThrow(/Division by zero/);
    expect(() => evaluateExpression('10 ^ 400')).toThrow(/not a finite number/);
  });

  it('bounds its own input', () => {
    expect(CALCULATOR_LIMITS.maxLength).toBeLessThanOrEqual(256);
  });
});
