// The dashboard with 100,000 memories in the caller's namespace, in headless Chromium:
// page weight and first paint, and the time from pressing Enter in the memory search to the
// results on screen, beside the same search through the API alone (the baseline: what the
// browser adds). Needs Debian's chromium (TMWS_TEST_CHROMIUM=/path to use another). Run: npm run bench -- dashboard
/* global document, requestAnimationFrame -- page.evaluate callbacks run in the browser */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPatternExecutionEngine } from '../../dist/index.js';
import { createHttpService, generateApiKey, hashApiKey } from '../../dist/server.js';
import { launchChromium } from '../../scripts/chromium.mjs';
import { corpus } from './_corpus.mjs';
import { fmt, printTable, summary } from './_util.mjs';

const MEMORIES = 100_000;
const ROUNDS = 20;
const NAMESPACE = 'lab';
/** What a person would type, and the request the page sends for it. */
const SEARCHES = [
  {
    label: 'hybrid "security latency", 25',
    form: { query: 'security latency' },
    api: { query: 'security latency', mode: 'hybrid', limit: 25 },
  },
  {
    label: 'full text "database", 25',
    form: { query: 'database', mode: 'lexical' },
    api: { query: 'database', mode: 'lexical', limit: 25 },
  },
  {
    label: 'tag "ops" + "caching", 25',
    form: { query: 'caching', tags: 'ops' },
    api: { query: 'caching', tags: ['ops'], mode: 'lexical', limit: 25 },
  },
  { label: 'empty (by importance), 25', form: { query: '' }, api: { mode: 'hybrid', limit: 25 } },
  {
    label: 'hybrid "query index", 100',
    form: { query: 'query index', limit: '100' },
    api: { query: 'query index', mode: 'hybrid', limit: 100 },
  },
];

console.log(
  `load average before: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
const dir = mkdtempSync(join(tmpdir(), 'tmws-dashboard-bench-'));
const engine = await createPatternExecutionEngine({ databaseUrl: join(dir, 'memories.db'), recordExecutions: false });
let started = performance.now();
const all = corpus(MEMORIES, { namespace: NAMESPACE, agentId: 'bench-agent' });
for (let i = 0; i < all.length; i += 10_000) await engine.importMemories(all.slice(i, i + 10_000));
console.log(
  `imported ${MEMORIES.toLocaleString('en')} memories in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);

const key = generateApiKey();
const apiKeys = [{ id: 'alice-key', sha256: hashApiKey(key), agentId: 'alice', namespace: NAMESPACE, role: 'agent' }];
const app = await createHttpService({ engine, auth: { apiKeys, jwt: undefined }, rateLimit: null });
const base = await app.listen({ host: '127.0.0.1', port: 0 });
const browser = await launchChromium();

try {
  // Page weight and first paint: a cold context, so nothing comes from the browser's cache.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const transfers = [];
  page.on('requestfinished', async (request) => {
    if (!request.url().includes('/dashboard')) return;
    const sizes = await request.sizes();
    transfers.push({ url: new URL(request.url()).pathname, bytes: sizes.responseBodySize + sizes.responseHeadersSize });
  });
  await page.goto(`${base}/dashboard`, { waitUntil: 'load' });
  const loginPaint = await firstContentfulPaint(page);
  await page.getByTestId('login-key').fill(key);
  started = performance.now();
  await page.getByTestId('login-key').press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="stats-chart"] canvas').length > 0);
  const overviewMs = performance.now() - started;
  // A reload with the key in the tab's session: straight to the overview.
  await page.reload({ waitUntil: 'load' });
  const reloadPaint = await firstContentfulPaint(page);
  started = performance.now();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="stats-chart"] canvas').length > 0);
  const chartAfterLoad = await page.evaluate(() => performance.now());

  const weight = transfers.slice(0, 3);
  console.log(
    `\npage weight (first load, gzip, headers included): ${weight.map((t) => `${t.url.replace(/-[A-Z0-9]+\./, '.')} ${(t.bytes / 1024).toFixed(1)} KiB`).join(', ')}; total ${(weight.reduce((s, t) => s + t.bytes, 0) / 1024).toFixed(1)} KiB`,
  );
  console.log(
    `first contentful paint: login page ${fmt(loginPaint, 0)} ms; signed-in reload ${fmt(reloadPaint, 0)} ms, overview charts drawn ${fmt(chartAfterLoad, 0)} ms after navigation start`,
  );
  console.log(`sign in (Enter → overview charts drawn): ${fmt(overviewMs, 0)} ms`);

  await page.goto(`${base}/dashboard#memories`);
  await page.getByTestId('memory-results').locator('li').first().waitFor();
  const rows = [];
  for (const search of SEARCHES) {
    const cold = await searchInPage(page, search.form);
    const browserTimes = [];
    for (let i = 0; i < ROUNDS; i++) browserTimes.push(await searchInPage(page, search.form));
    const apiTimes = [];
    for (let i = 0; i < ROUNDS; i++) {
      const t0 = performance.now();
      const response = await fetch(`${base}/api/v1/memories/search`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify(search.api),
      });
      await response.json();
      apiTimes.push(performance.now() - t0);
    }
    const shown = await page.getByTestId('memory-results').locator('li.memory').count();
    const b = summary(browserTimes.sort((x, y) => x - y));
    const a = summary(apiTimes.sort((x, y) => x - y));
    rows.push([
      search.label,
      shown,
      fmt(cold, 1),
      fmt(b.p50, 1),
      fmt(b.p95, 1),
      fmt(a.p50, 1),
      fmt(a.p95, 1),
      `${(b.p50 / a.p50).toFixed(1)}×`,
    ]);
  }
  console.log(
    `\nmemory search at ${MEMORIES.toLocaleString('en')} memories: Enter → results rendered in the page (${ROUNDS} rounds), beside the API call alone from Node`,
  );
  printTable(['search', 'results', 'first ms', 'page p50', 'page p95', 'API p50', 'API p95', 'page/API'], rows);
  await context.close();
} finally {
  await browser.close();
  await app.close();
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
}

async function firstContentfulPaint(page) {
  await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0);
  return page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0].startTime);
}

/** Fills the search form in the page, submits it, and times until the results are on screen (next frame). */
function searchInPage(page, form) {
  return page.evaluate(async ({ query, mode = 'hybrid', tags = '', limit = '25' }) => {
    const input = document.querySelector('[data-testid="memory-search"]');
    const formElement = input.form;
    input.value = query;
    const [modeSelect, limitSelect] = [...formElement.querySelectorAll('select')];
    modeSelect.value = mode;
    limitSelect.value = limit;
    formElement.querySelector('input[type="text"]').value = tags;
    const status = document.querySelector('.results > p');
    const t0 = performance.now();
    formElement.requestSubmit();
    await new Promise((resolve) => {
      const check = () => (/ in \d+ ms/.test(status.textContent) ? resolve() : requestAnimationFrame(check));
      check();
    });
    await new Promise((resolve) => requestAnimationFrame(() => resolve()));
    return performance.now() - t0;
  }, form);
}
