import { session } from './session.js';
import type { AuditEntry, Explanation, Me, Memory, Pattern, Stats } from './types.js';

/** An error answer of the API: its stable code and message (see the README's error table). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export interface MemorySearch {
  query?: string;
  tags?: string[];
  min_importance?: number;
  limit: number;
  mode: 'lexical' | 'hybrid';
  /** Created at or after / before: ISO, a span back (7d, 24h) or words ("yesterday"). */
  since?: string;
  until?: string;
  timezone?: string;
}

export interface AuditFilter {
  agent_id?: string;
  namespace?: string;
  operation?: string;
  pattern?: string;
  success?: string;
  since?: string;
  before_id?: number;
  limit?: number;
}

/** The page's only way to the server: the same endpoints as any client, with the key as a Bearer header. */
export class Api {
  /** Called when the server refuses the key (401), so the page can ask for another. */
  onUnauthorized: (error: ApiError) => void = () => undefined;

  whoami(): Promise<Me> {
    return this.#request('GET', '/api/v1/whoami');
  }

  stats(): Promise<Stats> {
    return this.#request('GET', '/api/v1/pattern/stats');
  }

  searchMemories(search: MemorySearch): Promise<{ count: number; memories: Memory[] }> {
    return this.#request('POST', '/api/v1/memories/search', search);
  }

  getMemory(id: string): Promise<Memory> {
    return this.#request('GET', `/api/v1/memories/${encodeURIComponent(id)}`);
  }

  deleteMemory(id: string): Promise<{ deleted: true; id: string }> {
    return this.#request('DELETE', `/api/v1/memories/${encodeURIComponent(id)}`);
  }

  patterns(): Promise<{ count: number; version: number; patterns: Pattern[] }> {
    return this.#request('GET', '/api/v1/patterns');
  }

  explain(query: string, mode: string): Promise<Explanation> {
    return this.#request('POST', '/api/v1/patterns/explain', { query, mode });
  }

  audit(filter: AuditFilter): Promise<{ count: number; entries: AuditEntry[] }> {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(filter)) {
      if (value !== undefined && value !== '') params.set(name, String(value));
    }
    return this.#request('GET', `/api/v1/audit?${params.toString()}`);
  }

  async #request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const key = session.key();
    if (key !== null) headers['authorization'] = `Bearer ${key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(path, {
      method,
      headers,
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const payload = (await response.json().catch(() => null)) as Record<string, unknown> | null;
    if (!response.ok) {
      const error = new ApiError(
        response.status,
        typeof payload?.['code'] === 'string' ? payload['code'] : 'HTTP_ERROR',
        typeof payload?.['message'] === 'string' ? payload['message'] : `${response.status} ${response.statusText}`,
      );
      if (response.status === 401) this.onUnauthorized(error);
      throw error;
    }
    return payload as T;
  }
}
