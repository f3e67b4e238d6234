import { existsSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { CHROMIUM_PATH, launchChromium } from '../../scripts/chromium.mjs';
import { manualClock, onCleanup } from '../helpers/engine.js';
import { apiKeysFor, call, startTestServer, type TestServer } from '../helpers/server.js';

/** Without Chromium the browser suites skip outside CI (test/setup/services.ts says how to enable them). */
export const CHROMIUM_AVAILABLE = existsSync(CHROMIUM_PATH);

/** expect.poll's default second is short for a browser on a busy shared machine. */
export const POLL = { timeout: 15_000, interval: 100 };

export const AGENTS = [
  { agentId: 'alice', namespace: 'lab', role: 'agent' },
  { agentId: 'carol', namespace: 'lab', role: 'agent' },
  { agentId: 'bob', namespace: 'ops', role: 'agent' },
  { agentId: 'reader', namespace: 'lab', role: 'readonly' },
  { agentId: 'root', namespace: 'ops', role: 'admin' },
] as const;
export type AgentName = (typeof AGENTS)[number]['agentId'];

/** One Chromium for the file; each test opens its own contexts (separate sessionStorage, like separate people). */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (!existsSync(new URL('../../dist/dashboard/index.html', import.meta.url))) {
      throw new Error('The dashboard is not built: run `npm run build` before the browser tests (npm test does)');
    }
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => browser!;
}

export interface DashboardServer extends TestServer {
  keys: Record<AgentName, string>;
  /** Moves the engine's clock, e.g. so the timeline's current bucket completes without waiting. */
  advance(ms: number): void;
  /** Calls the API as an agent. */
  api(agent: AgentName, path: string, body?: unknown): ReturnType<typeof call>;
}

/** A real server on a free port with an auth file's worth of API keys, on a private in-memory store. */
export async function startDashboardServer(): Promise<DashboardServer> {
  const { auth, keys } = apiKeysFor(AGENTS);
  const clock = manualClock(Date.now());
  const server = await startTestServer({ auth, engineOptions: { clock: clock.now } });
  return {
    ...server,
    keys: keys as Record<AgentName, string>,
    advance: clock.advance,
    api: (agent, path, body) => call(server.base, path, { token: keys[agent]!, ...(body !== undefined && { body }) }),
  };
}

export interface OpenedPage {
  page: Page;
  context: BrowserContext;
  /** Console errors, uncaught exceptions and failed requests seen so far. */
  problems: string[];
}

/** A new browser context (its own sessionStorage) on the dashboard, recording every console error. */
export async function openDashboard(browser: Browser, base: string, hash = ''): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  onCleanup(() => context.close());
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
  // Anything not from the server under test would be a CDN or tracker: the page must load nothing else.
  await context.route(
    (url) => !url.href.startsWith(base),
    (route) => {
      problems.push(`outside request: ${route.request().url()}`);
      return route.abort();
    },
  );
  await page.goto(`${base}/dashboard${hash}`);
  return { page, context, problems };
}

/** Types the key into the login form and presses Enter; resolves once the signed-in page shows who it is. */
export async function signIn(page: Page, key: string): Promise<void> {
  await page.getByTestId('login-key').fill(key);
  await page.getByTestId('login-key').press('Enter');
  await page.getByTestId('identity').waitFor();
}

/** A new context on the dashboard (at `hash`), signed in as `agent`. */
export async function openSignedIn(
  browser: Browser,
  server: DashboardServer,
  agent: AgentName,
  hash = '',
): Promise<OpenedPage> {
  const opened = await openDashboard(browser, server.base, hash);
  await signIn(opened.page, server.keys[agent]);
  return opened;
}
