import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ERROR_CODES,
  MemoryNotFoundError,
  NotFoundError,
  PatternNotFoundError,
  PatternServiceError,
  ToolNotFoundError,
  ValidationError,
} from '../src/index.js';
import { toServiceError } from '../src/errors.js';

describe('error codes', () => {
  it('are documented in the README exactly as the code table defines them', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const table = readme.split('<!-- error-codes:start -->')[1]!.split('<!-- error-codes:end -->')[0]!;
    const documented = [...table.matchAll(/^\|\s*`(\w+)`\s*\|\s*(\d{3})\s*\|\s*(.+?)\s*\|$/gm)].map(
      ([, code, status, meaning]) => [code, Number(status), meaning],
    );
    expect(documented).toEqual(Object.entries(ERROR_CODES).map(([code, info]) => [code, info.status, info.meaning]));
  });

  it('gives every error class its own code, and subclasses stay catchable as their parents', () => {
    const tool = new ToolNotFoundError('no such tool');
    expect(tool).toBeInstanceOf(NotFoundError);
    expect(tool).toMatchObject({ code: 'TOOL_NOT_FOUND', status: 404, name: 'ToolNotFoundError' });
    expect(new ValidationError('x').status).toBe(400);
  });

  it('keeps the not-found errors siblings under one neutral parent', () => {
    const pattern = new PatternNotFoundError('nothing serves that');
    const memory = new MemoryNotFoundError('no such memory');
    expect(pattern).toMatchObject({ code: 'PATTERN_NOT_FOUND', status: 404, name: 'PatternNotFoundError' });
    expect(memory).toMatchObject({ code: 'MEMORY_NOT_FOUND', status: 404 });
    expect(pattern).toBeInstanceOf(NotFoundError);
    expect(memory).toBeInstanceOf(NotFoundError);
    expect(memory).not.toBeInstanceOf(PatternNotFoundError);
  });

  it('turns unknown failures into INTERNAL without leaking their message', () => {
    const wrapped = toServiceError(new Error('secret detail'));
    expect(wrapped).toBeInstanceOf(PatternServiceError);
    expect(wrapped).toMatchObject({ code: 'INTERNAL', message: 'Internal error' });
    expect((wrapped.cause as Error).message).toBe('secret detail');
  });
});
