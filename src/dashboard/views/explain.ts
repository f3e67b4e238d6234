import type { Api } from '../api.js';
import { badge, errorNote, field, h, LatestRequest, replace } from '../dom.js';
import type { Explanation } from '../types.js';

const OUTCOMES: Record<string, string> = {
  matched: 'matched',
  'no-match': 'no match',
  'params-rejected': 'parameters rejected',
  'type-filtered': 'type not run in this mode',
};

/** Which pattern a query would run, and why, without running it (POST /api/v1/patterns/explain). */
export class ExplainBox {
  readonly element: HTMLElement;
  readonly #api: Api;
  readonly #latest = new LatestRequest();
  readonly #query = h('input', {
    type: 'text',
    'data-testid': 'explain-input',
    placeholder: 'e.g. recall items tagged security',
    autocomplete: 'off',
  });
  readonly #mode = h(
    'select',
    null,
    ['balanced', 'fast', 'comprehensive'].map((m) => h('option', { value: m }, m)),
  );
  readonly #result = h('div', { class: 'explain-result', 'data-testid': 'explain-result', 'aria-live': 'polite' });

  constructor(api: Api) {
    this.#api = api;
    this.element = h(
      'section',
      { class: 'card' },
      h('h3', null, 'Explain a query'),
      h(
        'p',
        { class: 'muted' },
        'The pattern a query would run, the candidates the matcher tried and the routing decision. Nothing is executed.',
      ),
      h(
        'form',
        { class: 'search-row', onsubmit: (event: Event) => this.#submit(event) },
        field('Query', this.#query),
        field('Mode', this.#mode),
        h('button', { type: 'submit', class: 'primary' }, 'Explain'),
      ),
      this.#result,
    );
  }

  async #submit(event: Event): Promise<void> {
    event.preventDefault();
    const query = this.#query.value.trim();
    if (query === '') {
      replace(this.#result, h('p', { class: 'error', role: 'alert' }, 'Type a query to explain.'));
      return;
    }
    const isLatest = this.#latest.begin();
    try {
      const explanation = await this.#api.explain(query, this.#mode.value);
      if (isLatest()) render(this.#result, explanation);
    } catch (error) {
      if (isLatest()) replace(this.#result, errorNote(error));
    }
  }
}

/** "since last Monday: from 2026-11-30 00:00 (UTC)". */
export function windowText(window: NonNullable<Explanation['window']>): string {
  const at = (iso: string) => iso.slice(0, 16).replace('T', ' ');
  const bounds = [window.from && `from ${at(window.from)}`, window.to && `until ${at(window.to)}`].filter(Boolean);
  return `“${window.description}”: ${bounds.join(' ') || 'any time'} UTC (calendar in ${window.timezone})`;
}

function render(target: HTMLElement, e: Explanation): void {
  const r = e.routing;
  const winner = e.pattern
    ? h(
        'p',
        { class: 'verdict' },
        'Runs ',
        h('strong', { class: 'winner' }, e.pattern),
        ' ',
        badge(r.pattern_type, `type-${r.pattern_type}`),
        e.matched
          ? h('span', { class: 'muted' }, ` — matched “${e.matched.matched_text}”`)
          : h('span', { class: 'muted' }, ' — chosen by the router'),
      )
    : h(
        'p',
        { class: 'verdict' },
        h('strong', null, 'Nothing runs'),
        h('span', { class: 'muted' }, ` — PATTERN_NOT_FOUND in ${e.mode} mode`),
      );
  const why = e.winner?.detail ?? r.reasoning;
  const params = e.matched ? Object.entries(e.matched.params) : [];
  target.replaceChildren(
    winner,
    h('p', { class: 'why' }, h('b', null, 'Why: '), why),
    h(
      'dl',
      { class: 'facts' },
      h('dt', null, 'Routing'),
      h(
        'dd',
        null,
        `${r.pattern_type}, confidence ${(r.confidence * 100).toFixed(0)} % (${r.matched ? 'trigger match' : 'keyword router'}), est. ${r.estimated_cost} tokens`,
      ),
      h('dt', null, 'Router says'),
      h('dd', null, r.reasoning),
      h('dt', null, 'Alternatives'),
      h('dd', null, r.alternative_routes.join(', ') || '–'),
      h('dt', null, 'Parameters'),
      h(
        'dd',
        null,
        params.length === 0 ? '–' : params.map(([k, v]) => h('code', { class: 'param' }, `${k}=${String(v)}`)),
      ),
      h('dt', null, 'Time window'),
      h('dd', { 'data-testid': 'explain-window' }, e.window ? windowText(e.window) : '–'),
      h('dt', null, 'Cached for'),
      h('dd', null, e.cache_ttl ? `${e.cache_ttl} s` : 'never'),
      h('dt', null, 'Needs role'),
      h('dd', null, e.required_role ?? '–'),
    ),
    h('h4', null, `Candidates (${e.candidates.length})`),
    e.candidates.length === 0
      ? h('p', { class: 'muted' }, 'No trigger’s literals occur in the query.')
      : h(
          'table',
          { class: 'candidates' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              ['Pattern', 'Type', 'Priority', 'Found by', 'Outcome'].map((t) => h('th', { scope: 'col' }, t)),
            ),
          ),
          h(
            'tbody',
            null,
            e.candidates.map((c) =>
              h(
                'tr',
                { class: c.name === e.pattern ? 'is-winner' : '' },
                h('td', null, c.name),
                h('td', null, badge(c.type, `type-${c.type}`)),
                h('td', { class: 'num' }, String(c.priority)),
                h('td', null, c.via === 'index' ? 'literal index' : 'always checked'),
                h(
                  'td',
                  null,
                  badge(OUTCOMES[c.outcome] ?? c.outcome, `outcome-${c.outcome}`),
                  c.param_errors ? ` ${c.param_errors.join('; ')}` : '',
                ),
              ),
            ),
          ),
        ),
  );
}
