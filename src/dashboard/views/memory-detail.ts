import type { Api } from '../api.js';
import { badge, errorNote, h, LatestRequest, replace } from '../dom.js';
import { dateTime } from '../format.js';
import type { Me, Memory } from '../types.js';

/** One memory in full, and deleting it when the caller owns it and its role allows writes. */
export class MemoryDetail {
  readonly element = h('aside', {
    class: 'card detail',
    hidden: true,
    'aria-labelledby': 'memory-detail-title',
    tabindex: -1,
  });
  readonly #api: Api;
  readonly #latest = new LatestRequest();
  readonly #me: Me;
  readonly #onDeleted: (id: string) => void;
  /** Where focus returns when the panel closes. */
  #opener: HTMLElement | undefined;

  constructor(api: Api, me: Me, onDeleted: (id: string) => void) {
    this.#api = api;
    this.#me = me;
    this.#onDeleted = onDeleted;
    this.element.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.close();
    });
  }

  async open(id: string, opener?: HTMLElement): Promise<void> {
    this.#opener = opener;
    this.element.hidden = false;
    replace(this.element, h('p', { class: 'muted' }, 'Loading…'));
    const isLatest = this.#latest.begin();
    try {
      const memory = await this.#api.getMemory(id);
      if (!isLatest()) return;
      this.#render(memory);
    } catch (error) {
      if (!isLatest()) return;
      replace(this.element, this.#head('Memory'), errorNote(error));
    }
    this.element.focus();
  }

  close(): void {
    this.element.hidden = true;
    replace(this.element);
    if (this.#opener?.isConnected) this.#opener.focus();
  }

  #head(title: string): HTMLElement {
    return h(
      'div',
      { class: 'detail-head' },
      h('h3', { id: 'memory-detail-title' }, title),
      h(
        'button',
        { type: 'button', class: 'ghost', 'aria-label': 'Close the memory', onclick: () => this.close() },
        '✕',
      ),
    );
  }

  #render(memory: Memory): void {
    const row = (label: string, value: Node | string) => [h('dt', null, label), h('dd', null, value)];
    const mayDelete = this.#me.role !== 'readonly' && memory.agent_id === this.#me.agent_id;
    replace(
      this.element,
      this.#head('Memory'),
      h('p', { class: 'detail-content' }, memory.content),
      h(
        'dl',
        null,
        row('Access', badge(memory.access_level, `access-${memory.access_level}`)),
        memory.access_level === 'shared' ? row('Shared with', memory.shared_with.join(', ') || '–') : [],
        row('Agent', memory.agent_id),
        row('Importance', memory.importance.toFixed(2)),
        row('Tags', memory.tags.join(', ') || '–'),
        row('Created', dateTime(memory.created_at)),
        row('Updated', dateTime(memory.updated_at)),
        row('Last read', dateTime(memory.accessed_at)),
        row('Reads', String(memory.access_count)),
        row('Expires', dateTime(memory.expires_at)),
        row('Id', h('code', null, memory.id)),
      ),
      Object.keys(memory.metadata).length === 0
        ? null
        : [h('h4', null, 'Metadata'), h('pre', { class: 'json' }, JSON.stringify(memory.metadata, null, 2))],
      mayDelete ? this.#deleteControls(memory) : null,
    );
  }

  /** Two steps, in the page (a browser confirm dialog would block the page and its tests). */
  #deleteControls(memory: Memory): HTMLElement {
    const area = h('div', { class: 'danger-zone' });
    const ask = () =>
      replace(
        area,
        h('span', null, 'Delete this memory for good?'),
        h('button', { type: 'button', class: 'danger', onclick: () => void confirm() }, 'Delete'),
        h('button', { type: 'button', class: 'ghost', onclick: () => idle() }, 'Cancel'),
      );
    const idle = () => replace(area, h('button', { type: 'button', class: 'danger-outline', onclick: ask }, 'Delete…'));
    const confirm = async () => {
      try {
        await this.#api.deleteMemory(memory.id);
        this.#onDeleted(memory.id);
        replace(this.element, this.#head('Memory'), h('p', { role: 'status' }, 'Deleted.'));
      } catch (error) {
        replace(area, errorNote(error));
      }
    };
    idle();
    return area;
  }
}
