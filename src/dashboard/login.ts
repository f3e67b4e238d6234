import { field, h } from './dom.js';

/**
 * Asks for an API key. `submit` resolves once the key is known good; the page then
 * replaces this form, or shows it again with the server's reason.
 */
export function loginView(submit: (key: string) => Promise<void>, message?: string): HTMLElement {
  const input = h('input', {
    type: 'password',
    'data-testid': 'login-key',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
  });
  const note = h('p', { class: 'error', role: 'alert' }, message ?? '');
  note.hidden = message === undefined;
  const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h(
    'form',
    {
      class: 'card login',
      'aria-labelledby': 'login-title',
      onsubmit: (event: Event) => {
        event.preventDefault();
        const key = input.value.trim();
        if (key === '') return;
        button.disabled = true;
        void submit(key).finally(() => (button.disabled = false));
      },
    },
    h('h1', { id: 'login-title' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, '◆'), ' tmws-patterns'),
    h(
      'p',
      { class: 'muted' },
      'Sign in with your API key. It is kept for this browser tab only and sent to this server alone.',
    ),
    field('API key', input),
    note,
    button,
  );
  queueMicrotask(() => input.focus());
  return h('main', { class: 'login-page' }, form);
}
