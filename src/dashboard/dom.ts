/**
 * A few lines instead of a UI framework: elements are built with `h`, text always goes in
 * as text nodes (never parsed as HTML), and views replace their own parts.
 */
export type Child = Node | string | number | null | undefined | false;
type Listener = (event: Event) => void;
export type Attrs = Record<string, string | number | boolean | undefined | null | Listener>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Array<Child | Child[]>
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, ''), value);
    else if (name === 'class') element.className = String(value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: Array<Child | Child[]>): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** Replaces everything inside `parent`. */
export function replace(parent: Element, ...children: Array<Child | Child[]>): void {
  parent.replaceChildren();
  append(parent, children);
}

let fieldCount = 0;

/** A labelled form control: the label names it for screen readers and is clickable. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  const id = control.id || `field-${++fieldCount}`;
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('small', null, hint) : null);
}

export function badge(text: string, kind = ''): HTMLElement {
  return h('span', { class: `badge ${kind}`.trim() }, text);
}

/** A status pill: ok / degraded / down, with the word as well as the colour. */
export function statusPill(label: string, status: string): HTMLElement {
  return h(
    'span',
    { class: `pill status-${status}` },
    h('span', { class: 'dot', 'aria-hidden': 'true' }),
    `${label}: ${status}`,
  );
}

/** An inline error message, announced to screen readers. */
export function errorNote(error: unknown): HTMLElement {
  const message = error instanceof Error ? error.message : String(error);
  return h('p', { class: 'error', role: 'alert' }, message);
}

/** A view: its heading (the region's name), what the figures cover, anything else for the head, then the body. */
export function viewSection(name: string, title: string, head: Child[], ...body: Array<Child | Child[]>): HTMLElement {
  const id = `${name}-title`;
  return h(
    'section',
    { class: 'view', 'aria-labelledby': id },
    h('div', { class: 'view-head' }, h('h2', { id }, title), head),
    ...body,
  );
}

export function scopeNote(text: string): HTMLElement {
  return h('p', { class: 'scope' }, text);
}

/**
 * Lets only the latest of a view's requests draw: a slower, older reply (the listing still
 * loading when the user searched) must not overwrite a newer one.
 */
export class LatestRequest {
  #current = 0;

  /** Starts a request; the returned check stays true until another one starts. */
  begin(): () => boolean {
    const ticket = ++this.#current;
    return () => ticket === this.#current;
  }
}
