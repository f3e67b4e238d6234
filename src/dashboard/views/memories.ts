import type { Api, MemorySearch } from '../api.js';
import { badge, errorNote, field, h, LatestRequest, replace, scopeNote, viewSection } from '../dom.js';
import { count, score } from '../format.js';
import type { Me, Memory } from '../types.js';
import { MemoryDetail } from './memory-detail.js';

const LIMITS = [10, 25, 50, 100];

/** Search over the memories the caller may see, through the API's own search; bounded to 100 results a page. */
export class MemoriesView {
  readonly element: HTMLElement;
  readonly #api: Api;
  readonly #query = h('input', {
    type: 'search',
    'data-testid': 'memory-search',
    placeholder: 'e.g. connection pooling',
    autocomplete: 'off',
  });
  readonly #mode = h(
    'select',
    null,
    h('option', { value: 'hybrid' }, 'Full text + vectors'),
    h('option', { value: 'lexical' }, 'Full text only'),
  );
  readonly #tags = h('input', { type: 'text', placeholder: 'security, ops', autocomplete: 'off' });
  readonly #minImportance = h('input', { type: 'number', min: 0, max: 1, step: 0.05, placeholder: '0–1' });
  readonly #since = h('input', { type: 'text', placeholder: '7d, 2026-12-01, last Monday', autocomplete: 'off' });
  readonly #until = h('input', { type: 'text', placeholder: 'yesterday, 24h', autocomplete: 'off' });
  readonly #limit = h(
    'select',
    null,
    LIMITS.map((n) => h('option', { value: n, selected: n === 25 }, String(n))),
  );
  readonly #status = h('p', { class: 'muted', 'aria-live': 'polite' });
  readonly #results = h('ol', { class: 'memories', 'data-testid': 'memory-results' });
  readonly #detail: MemoryDetail;
  #searched = false;
  readonly #latest = new LatestRequest();

  constructor(api: Api, me: Me) {
    this.#api = api;
    this.#detail = new MemoryDetail(api, me, (id) => this.#removed(id));
    const form = h(
      'form',
      { class: 'card search', role: 'search', onsubmit: (event: Event) => this.#submit(event) },
      h(
        'div',
        { class: 'search-row' },
        field('Search memories', this.#query),
        field('Mode', this.#mode),
        h('button', { type: 'submit', class: 'primary' }, 'Search'),
      ),
      h(
        'div',
        { class: 'filter-row' },
        field('Tags (all of)', this.#tags, 'Comma-separated; full text only'),
        field('Minimum importance', this.#minImportance, 'From 0 to 1'),
        field('Created since', this.#since, 'A span back, a date or words'),
        field('Created until', this.#until, 'Before this (a day counts whole)'),
        field('Results', this.#limit, 'At most 100 a search'),
      ),
    );
    this.element = viewSection(
      'memories',
      'Memories',
      [scopeNote(`Visible to ${me.agent_id} in ${me.namespace}`)],
      form,
      h('div', { class: 'split' }, h('div', { class: 'results' }, this.#status, this.#results), this.#detail.element),
    );
  }

  show(): void {
    // An empty search lists the most important memories: the view is never blank.
    if (!this.#searched) void this.search();
  }

  hide(): void {}

  async search(): Promise<void> {
    this.#searched = true;
    const isLatest = this.#latest.begin();
    const request = this.#request();
    this.#status.textContent = 'Searching…';
    const started = performance.now();
    try {
      const { memories } = await this.#api.searchMemories(request);
      if (!isLatest()) return;
      const elapsed = performance.now() - started;
      this.#status.textContent = `${count(memories.length)} ${memories.length === 1 ? 'memory' : 'memories'} in ${Math.round(elapsed)} ms${
        memories.length === request.limit ? ` (the first ${request.limit}; narrow the search or raise the limit)` : ''
      }${request.query ? '' : request.since || request.until ? ', newest first' : ', by importance'}${windowNote(request)}`;
      replace(
        this.#results,
        memories.length === 0
          ? h('li', { class: 'empty' }, 'No memory you may see matches.')
          : memories.map((m) => this.#item(m, request)),
      );
    } catch (error) {
      if (!isLatest()) return;
      this.#status.textContent = '';
      replace(this.#results, h('li', { class: 'empty' }, errorNote(error)));
    }
  }

  #submit(event: Event): void {
    event.preventDefault();
    void this.search();
  }

  #request(): MemorySearch {
    const query = this.#query.value.trim();
    const tags = this.#tags.value
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter((t) => t !== '');
    const minImportance = this.#minImportance.value === '' ? undefined : Number(this.#minImportance.value);
    const [since, until] = [this.#since.value.trim(), this.#until.value.trim()];
    return {
      ...(query !== '' && { query }),
      ...(since !== '' && { since }),
      ...(until !== '' && { until }),
      ...((since !== '' || until !== '') && { timezone: Intl.DateTimeFormat().resolvedOptions().timeZone }),
      ...(tags.length > 0 && { tags }),
      ...(minImportance !== undefined && { min_importance: minImportance }),
      limit: Number(this.#limit.value),
      // The API filters by tag in full-text mode only.
      mode: tags.length > 0 ? 'lexical' : (this.#mode.value as 'lexical' | 'hybrid'),
    };
  }

  #item(memory: Memory, request: MemorySearch): HTMLElement {
    return h(
      'li',
      { class: 'memory', 'data-id': memory.id },
      h(
        'button',
        {
          type: 'button',
          class: 'memory-open',
          'aria-label': `Open memory: ${memory.content.slice(0, 80)}`,
          onclick: (event: Event) => void this.#detail.open(memory.id, event.currentTarget as HTMLElement),
        },
        memory.content,
      ),
      h(
        'div',
        { class: 'memory-meta' },
        badge(memory.access_level, `access-${memory.access_level}`),
        h('span', null, 'agent ', h('b', null, memory.agent_id)),
        h('span', null, `importance ${memory.importance.toFixed(2)}`),
        h('span', { class: 'created' }, `created ${memory.created_at.slice(0, 16).replace('T', ' ')} UTC`),
        memory.score === undefined ? null : h('span', null, `score ${score(memory.score)}`),
        h('span', { class: 'attribution' }, attribution(memory, request)),
      ),
      memory.tags.length === 0
        ? null
        : h(
            'ul',
            { class: 'tags', 'aria-label': 'tags' },
            memory.tags.map((t) => h('li', null, t)),
          ),
    );
  }

  #removed(id: string): void {
    this.#results.querySelector(`[data-id="${CSS.escape(id)}"]`)?.remove();
  }
}

/** "created since 7d until yesterday", for the status line. */
function windowNote(request: MemorySearch): string {
  const parts = [request.since && `since ${request.since}`, request.until && `until ${request.until}`].filter(Boolean);
  return parts.length === 0 ? '' : `, created ${parts.join(' ')}`;
}

/** Why a result is here: its rank in the full-text results and among the vector neighbours, when the search fused both. */
export function attribution(memory: Memory, request: MemorySearch): string {
  if (!request.query) return request.since || request.until ? 'listed newest first' : 'listed by importance';
  if (memory.lexical_rank === undefined && memory.semantic_rank === undefined) return 'full text (BM25)';
  const parts = [
    memory.lexical_rank ? `full text #${memory.lexical_rank}` : 'not in full text',
    memory.semantic_rank
      ? `vectors #${memory.semantic_rank}${memory.similarity == null ? '' : ` (similarity ${memory.similarity.toFixed(2)})`}`
      : 'not among vector neighbours',
  ];
  return parts.join(' · ');
}
