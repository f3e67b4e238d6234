/**
 * The dashboard's entry: signs in (an API key kept in sessionStorage, or none when the
 * server runs without authentication), then shows the views. All data comes from the
 * public API with the key as a Bearer header; nothing is loaded from elsewhere.
 */
import './base.css';
import './views.css';
import { Api, ApiError } from './api.js';
import { errorNote, h, replace } from './dom.js';
import { loginView } from './login.js';
import { session } from './session.js';
import { Shell } from './shell.js';

const root = document.getElementById('app')!;
const authRequired = document.body.dataset['auth'] === 'required';
const api = new Api();
let shell: Shell | undefined;

function showLogin(message?: string): void {
  shell?.destroy();
  shell = undefined;
  replace(
    root,
    loginView(async (key) => {
      session.set(key);
      await enter();
    }, message),
  );
}

async function enter(): Promise<void> {
  try {
    const me = await api.whoami();
    shell = new Shell(api, me, authRequired ? signOut : null);
    replace(root, shell.element);
  } catch (error) {
    // 401 is handled by onUnauthorized; anything else leaves the page with the reason.
    if (!(error instanceof ApiError && error.status === 401))
      replace(root, h('main', { class: 'login-page' }, errorNote(error)));
  }
}

function signOut(): void {
  session.clear();
  location.hash = '';
  showLogin();
}

api.onUnauthorized = (error) => {
  const hadKey = session.key() !== null;
  session.clear();
  showLogin(hadKey ? `Not signed in: ${error.message}` : undefined);
};

if (authRequired && session.key() === null) showLogin();
else void enter();
