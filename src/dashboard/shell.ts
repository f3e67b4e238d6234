import type { Api } from './api.js';
import { h, replace } from './dom.js';
import type { Me } from './types.js';
import { AuditView } from './views/audit.js';
import { MemoriesView } from './views/memories.js';
import { OverviewView } from './views/overview.js';
import { PatternsView } from './views/patterns.js';

interface View {
  element: HTMLElement;
  show(): void;
  hide(): void;
}

interface Route {
  title: string;
  create(): View;
}

/** The signed-in page: header, navigation between views (by URL hash), and the current view. */
export class Shell {
  readonly element: HTMLElement;
  readonly #routes: Record<string, Route>;
  readonly #views = new Map<string, View>();
  readonly #main = h('main', { id: 'main', tabindex: -1 });
  readonly #nav: HTMLElement;
  readonly #onHashChange = () => this.#route();
  #current: View | undefined;

  constructor(api: Api, me: Me, signOut: (() => void) | null) {
    this.#routes = {
      overview: { title: 'Overview', create: () => new OverviewView(api, me) },
      memories: { title: 'Memories', create: () => new MemoriesView(api, me) },
      patterns: { title: 'Patterns', create: () => new PatternsView(api, me) },
      ...(me.role === 'admin' && { audit: { title: 'Audit', create: () => new AuditView(api) } }),
    };
    this.#nav = h(
      'nav',
      { 'aria-label': 'Views' },
      Object.entries(this.#routes).map(([name, route]) => h('a', { href: `#${name}`, 'data-view': name }, route.title)),
    );
    this.element = h(
      'div',
      { class: 'shell' },
      // Moves focus without touching the hash, which names the view.
      h(
        'a',
        { class: 'skip', href: '#main', onclick: (event: Event) => this.#skipToContent(event) },
        'Skip to content',
      ),
      h(
        'header',
        { class: 'topbar' },
        h('div', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, '◆'), 'tmws-patterns'),
        this.#nav,
        h(
          'div',
          { class: 'identity' },
          h(
            'span',
            { class: 'who', 'data-testid': 'identity' },
            h('b', null, me.agent_id),
            ` · ${me.namespace} · ${me.role}`,
          ),
          signOut
            ? h('button', { type: 'button', class: 'ghost', onclick: signOut }, 'Sign out')
            : h('span', { class: 'muted' }, 'local, no authentication'),
        ),
      ),
      this.#main,
    );
    window.addEventListener('hashchange', this.#onHashChange);
    this.#route();
  }

  destroy(): void {
    window.removeEventListener('hashchange', this.#onHashChange);
    this.#current?.hide();
    this.#current = undefined;
  }

  #skipToContent(event: Event): void {
    event.preventDefault();
    this.#main.focus();
  }

  #route(): void {
    const name = location.hash.slice(1);
    // An unknown hash (or a view this role does not have) opens the overview, or keeps the current view.
    if (!this.#routes[name] && this.#current) return;
    const route = this.#routes[name] ? name : 'overview';
    let view = this.#views.get(route);
    if (!view) {
      view = this.#routes[route]!.create();
      this.#views.set(route, view);
    }
    if (view === this.#current) return;
    this.#current?.hide();
    this.#current = view;
    replace(this.#main, view.element);
    for (const link of this.#nav.querySelectorAll('a')) {
      if (link.dataset['view'] === route) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    document.title = `${this.#routes[route]!.title} · tmws-patterns`;
    view.show();
  }
}
