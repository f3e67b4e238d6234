import type { Api, AuditFilter } from '../api.js';
import { badge, errorNote, field, h, LatestRequest, replace, scopeNote, viewSection } from '../dom.js';
import { dateTime } from '../format.js';
import type { AuditEntry } from '../types.js';

const OPERATIONS = [
  'execute',
  'memory.store',
  'memory.search',
  'memory.get',
  'memory.delete',
  'pattern.register',
  'pattern.delete',
  'metrics',
];
const PAGE = 100;

/** The audit log for admins, newest first, filtered and paged by the API (before_id cursor). */
export class AuditView {
  readonly element: HTMLElement;
  readonly #api: Api;
  readonly #latest = new LatestRequest();
  readonly #agent = h('input', { type: 'text', autocomplete: 'off' });
  readonly #namespace = h('input', { type: 'text', autocomplete: 'off' });
  readonly #operation = h(
    'select',
    null,
    h('option', { value: '' }, 'Any'),
    OPERATIONS.map((o) => h('option', { value: o }, o)),
  );
  readonly #pattern = h('input', { type: 'text', autocomplete: 'off' });
  readonly #outcome = h(
    'select',
    null,
    h('option', { value: '' }, 'Any'),
    h('option', { value: 'true' }, 'Succeeded'),
    h('option', { value: 'false' }, 'Failed or refused'),
  );
  readonly #since = h('input', { type: 'datetime-local' });
  readonly #body = h('tbody');
  readonly #status = h('p', { class: 'muted', 'aria-live': 'polite' });
  readonly #more = h(
    'button',
    { type: 'button', class: 'ghost', hidden: true, onclick: () => void this.#load(true) },
    'Older entries',
  );
  #oldest: number | undefined;
  #loaded = false;

  constructor(api: Api) {
    this.#api = api;
    const headings = ['Time', 'Agent', 'Namespace', 'Operation', 'Pattern', 'Target', 'Outcome', 'ms', 'Surface'];
    this.element = viewSection(
      'audit',
      'Audit log',
      [scopeNote('Every namespace (admin)')],
      h(
        'form',
        { class: 'card filter-row audit-filters', onsubmit: (event: Event) => this.#submit(event) },
        field('Agent', this.#agent),
        field('Namespace', this.#namespace),
        field('Operation', this.#operation),
        field('Pattern', this.#pattern),
        field('Outcome', this.#outcome),
        field('Since', this.#since),
        h('button', { type: 'submit', class: 'primary' }, 'Filter'),
      ),
      h(
        'section',
        { class: 'card' },
        this.#status,
        h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { 'data-testid': 'audit-table' },
            h('caption', { class: 'sr-only' }, 'Audit entries, newest first'),
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                headings.map((t) => h('th', { scope: 'col', class: t === 'ms' ? 'num' : '' }, t)),
              ),
            ),
            this.#body,
          ),
        ),
        this.#more,
      ),
    );
  }

  show(): void {
    if (!this.#loaded) void this.#load(false);
  }

  hide(): void {}

  #submit(event: Event): void {
    event.preventDefault();
    void this.#load(false);
  }

  async #load(older: boolean): Promise<void> {
    this.#loaded = true;
    const isLatest = this.#latest.begin();
    const filter: AuditFilter = {
      agent_id: this.#agent.value.trim(),
      namespace: this.#namespace.value.trim(),
      operation: this.#operation.value,
      pattern: this.#pattern.value.trim(),
      success: this.#outcome.value,
      ...(this.#since.value !== '' && { since: new Date(this.#since.value).toISOString() }),
      ...(older && this.#oldest !== undefined && { before_id: this.#oldest }),
      limit: PAGE,
    };
    try {
      const { entries } = await this.#api.audit(filter);
      if (!isLatest()) return;
      const rows = entries.map(row);
      if (older) this.#body.append(...rows);
      else
        replace(
          this.#body,
          rows.length === 0 ? h('tr', null, h('td', { colspan: 9, class: 'empty' }, 'No entries match.')) : rows,
        );
      this.#oldest = entries.at(-1)?.id ?? this.#oldest;
      this.#more.hidden = entries.length < PAGE;
      this.#status.textContent = `${this.#body.querySelectorAll('tr[data-id]').length} entries shown, newest first`;
    } catch (error) {
      if (!isLatest()) return;
      replace(this.#body, h('tr', null, h('td', { colspan: 9 }, errorNote(error))));
    }
  }
}

function row(entry: AuditEntry): HTMLElement {
  return h(
    'tr',
    { 'data-id': entry.id },
    h('td', { class: 'nowrap' }, dateTime(entry.at)),
    h('td', null, entry.agent_id),
    h('td', null, entry.namespace),
    h('td', null, h('code', null, entry.operation), entry.count > 1 ? ` ×${entry.count}` : ''),
    h('td', null, entry.pattern ?? '–'),
    h('td', { class: 'target' }, entry.target ?? '–'),
    h(
      'td',
      null,
      entry.success ? badge('ok', 'outcome-matched') : badge(entry.error_code ?? 'failed', 'outcome-failed'),
    ),
    h('td', { class: 'num' }, entry.duration_ms.toFixed(1)),
    h('td', null, entry.surface),
  );
}
