import { ToolNotFoundError, ValidationError } from '../errors.js';
import type { Scope } from '../memory/store.js';

export interface ToolCall {
  /** The text after the tool name ("run tool resize 640x480" → "640x480"). */
  args: string;
  scope: Scope;
  /** The execution's context payload. */
  payload: Record<string, unknown>;
}

export type ToolHandler = (call: ToolCall) => unknown;

export interface ToolInfo {
  name: string;
  description: string;
}

const TOOL_NAME = /^[\w.:-]{1,64}$/;

/** Tools that the `execute_tool` pattern may call. Only registered tools run; nothing is spawned implicitly. */
export class ToolRegistry {
  #tools = new Map<string, { handler: ToolHandler; description: string }>();

  register(name: string, handler: ToolHandler, description = ''): void {
    if (!TOOL_NAME.test(name))
      throw new ValidationError(`tool name: '${name}' must be 1-64 of letters, digits and . _ : -`);
    if (typeof handler !== 'function') throw new ValidationError(`tool '${name}': handler must be a function`);
    this.#tools.set(name.toLowerCase(), { handler, description });
  }

  unregister(name: string): boolean {
    return this.#tools.delete(name.toLowerCase());
  }

  list(): ToolInfo[] {
    return [...this.#tools].map(([name, { description }]) => ({ name, description }));
  }

  async call(name: string, call: ToolCall): Promise<unknown> {
    const tool = this.#tools.get(name.toLowerCase());
    if (!tool) {
      const known = [...this.#tools.keys()];
      throw new ToolNotFoundError(
        `Unknown tool '${name}'; ${known.length ? `registered tools: ${known.join(', ')}` : 'no tools are registered (engine.tools.register)'}`,
        { details: { tool: name, registered: known } },
      );
    }
    return await tool.handler(call);
  }
}
