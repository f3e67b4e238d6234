import { ExecutionFailedError, ValidationError } from '../../errors.js';

/**
 * A safe arithmetic evaluator: numbers, + - * / % ^ (power, right-associative), unary
 * signs and parentheses, by recursive descent. Written by hand because the grammar is
 * tiny and the expression libraries that exist evaluate far more (functions, variables,
 * assignment) than an agent's "calculate" should ever reach; nothing here calls eval.
 */
export const CALCULATOR_LIMITS = { maxLength: 256, maxDepth: 32 } as const;

type Token = { kind: 'number'; value: number } | { kind: 'op'; value: string };

export function evaluateExpression(expression: string): number {
  if (expression.length > CALCULATOR_LIMITS.maxLength) {
    throw new ValidationError(`expression: longer than ${CALCULATOR_LIMITS.maxLength} characters`);
  }
  const tokens = tokenize(expression);
  if (tokens.length === 0) throw new ValidationError('expression: empty');
  let position = 0;
  let depth = 0;

  const peek = (): Token | undefined => tokens[position];
  const isOp = (op: string): boolean => {
    const token = peek();
    return token?.kind === 'op' && token.value === op;
  };

  // sum := product (('+' | '-') product)*
  const sum = (): number => {
    let value = product();
    while (isOp('+') || isOp('-')) {
      const op = (tokens[position++] as Token).value;
      const right = product();
      value = op === '+' ? value + right : value - right;
    }
    return value;
  };
  // product := unary (('*' | '/' | '%') unary)*
  const product = (): number => {
    let value = unary();
    while (isOp('*') || isOp('/') || isOp('%')) {
      const op = (tokens[position++] as Token).value;
      const right = unary();
      if ((op === '/' || op === '%') && right === 0) throw new ExecutionFailedError('Division by zero');
      value = op === '*' ? value * right : op === '/' ? value / right : value % right;
    }
    return value;
  };
  // unary := ('+' | '-') unary | power — so -2 ^ 2 is -(2 ^ 2), as in mathematics
  const unary = (): number => {
    if (isOp('-') || isOp('+')) {
      const negative = (tokens[position++] as Token).value === '-';
      const value = nested(unary);
      return negative ? -value : value;
    }
    return power();
  };
  // power := atom ('^' unary)? — right-associative, and the exponent may carry a sign
  const power = (): number => {
    const base = atom();
    if (!isOp('^')) return base;
    position++;
    return base ** nested(unary);
  };
  // atom := number | '(' sum ')'
  const atom = (): number => {
    const token = tokens[position++];
    if (token?.kind === 'number') return token.value;
    if (token?.kind === 'op' && token.value === '(') {
      const value = nested(sum);
      if (!isOp(')')) throw new ValidationError('expression: missing closing parenthesis');
      position++;
      return value;
    }
    throw new ValidationError(
      token === undefined ? 'expression: ends too early' : `expression: unexpected '${String(token.value)}'`,
    );
  };
  const nested = (parse: () => number): number => {
    if (++depth > CALCULATOR_LIMITS.maxDepth) {
      throw new ValidationError(`expression: nested deeper than ${CALCULATOR_LIMITS.maxDepth} levels`);
    }
    const value = parse();
    depth--;
    return value;
  };

  const value = sum();
  if (position < tokens.length)
    throw new ValidationError(`expression: unexpected '${String(tokens[position]!.value)}'`);
  if (!Number.isFinite(value)) throw new ExecutionFailedError('Result is not a finite number');
  return value;
}

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\d+(?:\.\d*)?|\.\d+)|([-+*/%^()]))/y;
  let index = 0;
  while (index < expression.length) {
    if (/^\s*$/.test(expression.slice(index))) break;
    pattern.lastIndex = index;
    const found = pattern.exec(expression);
    if (!found) throw new ValidationError(`expression: unexpected character '${expression.slice(index).trim()[0]}'`);
    tokens.push(
      found[1] !== undefined ? { kind: 'number', value: Number(found[1]) } : { kind: 'op', value: found[2]! },
    );
    index = pattern.lastIndex;
  }
  return tokens;
}
