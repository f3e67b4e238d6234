import type { Api } from '../api.js';
import { badge, errorNote, h, replace, scopeNote, viewSection } from '../dom.js';
import { count, ms, percent } from '../format.js';
import type { Me, Pattern, PatternFigures } from '../types.js';
import { ExplainBox } from './explain.js';

/** Every pattern in match order with its figures (the caller's namespace, or all for admins), and the explain box. */
export class PatternsView {
  readonly element: HTMLElement;
  readonly #api: Api;
  readonly #body = h('tbody');
  readonly #status = h('p', { class: 'muted', 'aria-live': 'polite' });
  readonly #type = h(
    'select',
    { onchange: () => void this.#load() },
    h('option', { value: '' }, 'All types'),
    ['infrastructure', 'memory', 'hybrid'].map((t) => h('option', { value: t }, t)),
  );

  constructor(api: Api, me: Me) {
    this.#api = api;
    this.#type.id = 'pattern-type-filter';
    const headings = ['Pattern', 'Type', 'Action', 'Priority', 'TTL', 'Executions', 'Hit rate', 'p95', 'Role'];
    this.element = viewSection(
      'patterns',
      'Patterns',
      [scopeNote(me.role === 'admin' ? 'Figures of every namespace' : `Figures of namespace ${me.namespace}`)],
      new ExplainBox(api).element,
      h(
        'section',
        { class: 'card' },
        h(
          'div',
          { class: 'card-head' },
          h('h3', null, 'Registered patterns'),
          h('div', { class: 'inline-field' }, h('label', { for: 'pattern-type-filter' }, 'Type'), this.#type),
        ),
        this.#status,
        h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { 'data-testid': 'pattern-table' },
            h(
              'caption',
              { class: 'sr-only' },
              'Patterns in match order, with executions, cache-hit rate and p95 latency',
            ),
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                headings.map((title, i) => h('th', { scope: 'col', class: i >= 3 && i <= 7 ? 'num' : '' }, title)),
              ),
            ),
            this.#body,
          ),
        ),
      ),
    );
  }

  show(): void {
    void this.#load();
  }

  hide(): void {}

  async #load(): Promise<void> {
    try {
      const [{ patterns }, stats] = await Promise.all([this.#api.patterns(), this.#api.stats()]);
      const type = this.#type.value;
      const shown = type === '' ? patterns : patterns.filter((p) => p.pattern_type === type);
      this.#status.textContent = `${shown.length} of ${patterns.length} patterns, in match order (priority, then registration)`;
      replace(
        this.#body,
        shown.map((p) => row(p, stats.by_pattern[p.name])),
      );
    } catch (error) {
      replace(this.#body, h('tr', null, h('td', { colspan: 9 }, errorNote(error))));
    }
  }
}

function row(pattern: Pattern, figures: PatternFigures | undefined): HTMLElement {
  const executions = figures?.executions ?? 0;
  return h(
    'tr',
    null,
    h(
      'th',
      { scope: 'row' },
      h('span', { class: 'pattern-name' }, pattern.name),
      h('code', { class: 'trigger', title: pattern.description ?? '' }, pattern.trigger_pattern),
    ),
    h('td', null, badge(pattern.pattern_type, `type-${pattern.pattern_type}`)),
    h('td', null, h('code', null, pattern.action ?? '–')),
    h('td', { class: 'num' }, String(pattern.priority ?? '–')),
    h('td', { class: 'num' }, pattern.cache_ttl ? `${pattern.cache_ttl} s` : 'never'),
    h('td', { class: 'num' }, count(executions)),
    h('td', { class: 'num' }, executions === 0 ? '–' : percent(figures!.cache_hit_rate)),
    h('td', { class: 'num' }, figures && figures.latency_ms.samples > 0 ? ms(figures.latency_ms.p95) : '–'),
    h('td', null, pattern.required_role),
  );
}
