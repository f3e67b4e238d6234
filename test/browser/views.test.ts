import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  CHROMIUM_AVAILABLE,
  POLL,
  openSignedIn,
  startDashboardServer,
  useBrowser,
  type DashboardServer,
} from './dashboard-fixture.js';

const browser = useBrowser();

/** Pixels of the canvas within `tolerance` of an rgb colour: a series drawn in that colour leaves some. */
function pixelsOfColour(page: Page, selector: string, rgb: [number, number, number], tolerance = 12): Promise<number> {
  return page.locator(selector).evaluate(
    (canvas, [r, g, b, tol]) => {
      const { data } = (canvas as HTMLCanvasElement)
        .getContext('2d')!
        .getImageData(0, 0, (canvas as HTMLCanvasElement).width, (canvas as HTMLCanvasElement).height);
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (
          data[i + 3]! > 200 &&
          Math.abs(data[i]! - r!) <= tol! &&
          Math.abs(data[i + 1]! - g!) <= tol! &&
          Math.abs(data[i + 2]! - b!) <= tol!
        )
          n++;
      }
      return n;
    },
    [...rgb, tolerance],
  );
}

async function storeMemories(server: DashboardServer): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  const store = async (agent: 'alice' | 'carol', name: string, body: Record<string, unknown>) => {
    const response = await server.api(agent, '/api/v1/memories', body);
    expect(response.status).toBe(201);
    ids[name] = (response.body['memory'] as { id: string }).id;
  };
  await store('alice', 'pooling', {
    content: 'Use pgbouncer in transaction mode for connection pooling',
    tags: ['database', 'pooling'],
    importance: 0.9,
    access_level: 'team',
  });
  await store('alice', 'pool-size', {
    content: 'A pool of 20 connections per instance kept p95 low',
    tags: ['pooling', 'performance'],
    importance: 0.6,
  });
  await store('carol', 'carol-team', {
    content: 'Carol notes: pooling limits for the reporting database',
    tags: ['pooling'],
    importance: 0.4,
    access_level: 'team',
  });
  return ids;
}

describe.skipIf(!CHROMIUM_AVAILABLE)('the dashboard views', { timeout: 60_000 }, () => {
  it('draws the overview charts from the stats, with figures of the caller', async () => {
    const server = await startDashboardServer();
    for (const query of ['recall memories', 'recall memories', 'check health', 'calculate 1 / 0']) {
      await server.api('alice', '/api/v1/pattern/execute', { query });
    }
    server.advance(5_000); // the bucket of those executions is complete: the charts draw completed buckets
    const { page, problems } = await openSignedIn(browser(), server, 'alice');
    const chart = page.getByTestId('stats-chart');
    await chart.locator('canvas').waitFor();
    // The executions series is blue (#2563eb), failures red (#dc2626): both drawn from the data.
    await page.waitForFunction(() => document.querySelector('.tile strong')?.textContent === '4');
    await expect
      .poll(() => pixelsOfColour(page, '[data-testid="stats-chart"] canvas', [37, 99, 235]), POLL)
      .toBeGreaterThan(20);
    expect(await pixelsOfColour(page, '[data-testid="stats-chart"] canvas', [220, 38, 38])).toBeGreaterThan(20);
    const tiles = await page.locator('.tile').allInnerTexts();
    expect(tiles[0]).toContain('EXECUTIONS\n4');
    expect(tiles[1]).toMatch(/SUCCESS RATE\n75 %\n1 failed/);
    expect(tiles[2]).toMatch(/CACHE-HIT RATE\n25 %\n1 hits/);
    expect(await page.locator('.health').innerText()).toMatch(/Store \(sqlite\): ok[\s\S]*Cache: ok[\s\S]*L1: ok/);
    expect(await page.locator('.errors').innerText()).toContain('EXECUTION_FAILED 1');
    // Four charts, each a uPlot canvas.
    expect(await page.locator('.chart canvas').count()).toBe(4);
    expect(problems).toEqual([]);
  });

  it('searches memories with Enter and shows each result with its attribution, filters and detail', async () => {
    const server = await startDashboardServer();
    const ids = await storeMemories(server);
    const { page, problems } = await openSignedIn(browser(), server, 'alice', '#memories');
    const results = page.getByTestId('memory-results');
    // Opening the view lists the visible memories by importance.
    await results.locator('li.memory').nth(2).waitFor();
    expect(await results.locator('.memory-open').allInnerTexts()).toEqual([
      'Use pgbouncer in transaction mode for connection pooling',
      'A pool of 20 connections per instance kept p95 low',
      'Carol notes: pooling limits for the reporting database',
    ]);

    await page.getByTestId('memory-search').fill('pgbouncer transaction');
    await page.getByTestId('memory-search').press('Enter');
    // The listing by importance shows the same first memory, so wait for the search's own attribution.
    const item = results.locator('li.memory').first();
    await expect.poll(() => item.locator('.attribution').innerText(), POLL).not.toBe('listed by importance');
    // The exact full-text hit ranks first; related memories (the lexicon widens "pgbouncer" to pooling) may follow.
    expect(await item.locator('.memory-open').innerText()).toBe(
      'Use pgbouncer in transaction mode for connection pooling',
    );
    const meta = await item.locator('.memory-meta').innerText();
    expect(meta).toContain('team');
    expect(meta).toContain('agent alice');
    expect(meta).toContain('importance 0.90');
    expect(meta).toMatch(/score \d\.\d{3}/);
    expect(meta).toMatch(/full text #1 · vectors #1 \(similarity 0\.\d\d\)/);
    expect(await item.locator('.tags li').allInnerTexts()).toEqual(['database', 'pooling']);

    // A tag filter searches full text only, and says so in the attribution.
    await page.getByTestId('memory-search').fill('pooling');
    await page.getByLabel('Tags (all of)').fill('performance');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect
      .poll(() => results.locator('.memory-open').allInnerTexts(), POLL)
      .toEqual(['A pool of 20 connections per instance kept p95 low']);
    expect(await results.locator('.attribution').innerText()).toBe('full text (BM25)');

    // Minimum importance filters; the detail view opens by keyboard and shows every field.
    await page.getByLabel('Tags (all of)').fill('');
    await page.getByTestId('memory-search').fill('');
    await page.getByLabel('Minimum importance').fill('0.5');
    await page.getByLabel('Minimum importance').press('Enter');
    await expect.poll(() => results.locator('li.memory').count(), POLL).toBe(2);
    await results.locator('.memory-open').first().focus();
    await page.keyboard.press('Enter');
    const detail = page.locator('aside.detail');
    await detail.locator('dl').waitFor();
    expect(await detail.innerText()).toContain(ids['pooling']);
    expect(await detail.innerText()).toMatch(/Reads\s+\d+\s+Expires\s+–/);
    await page.keyboard.press('Escape');
    expect(await detail.isHidden()).toBe(true);
    // Focus goes back to the result that opened the panel.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(
      'Use pgbouncer in transaction mode for connection pooling',
    );

    // A created-time window: everything here was written today, so nothing is older than yesterday.
    await page.getByLabel('Minimum importance').fill('');
    await page.getByLabel('Created until').fill('yesterday');
    await page.getByLabel('Created until').press('Enter');
    await expect.poll(() => results.innerText(), POLL).toContain('No memory you may see matches.');
    await page.getByLabel('Created until').fill('');
    await page.getByLabel('Created since').fill('1h');
    await page.getByLabel('Created since').press('Enter');
    await expect.poll(() => results.locator('li.memory').count(), POLL).toBe(3);
    expect(await page.locator('section[aria-labelledby="memories-title"] p.muted[aria-live]').innerText()).toMatch(
      /newest first, created since 1h/,
    );
    expect(await results.locator('.attribution').first().innerText()).toBe('listed newest first');
    expect(problems).toEqual([]);
  });

  it('draws only the latest reply: a listing that answers after a search does not replace its results', async () => {
    const server = await startDashboardServer();
    await storeMemories(server);
    const { page, problems } = await openSignedIn(browser(), server, 'alice');
    // The listing the view starts on opening is held back until the search has drawn.
    let releaseListing!: () => void;
    const listingHeld = new Promise<void>((resolve) => (releaseListing = resolve));
    await page.route('**/api/v1/memories/search', async (route) => {
      if (!route.request().postDataJSON()?.query) await listingHeld;
      await route.continue();
    });
    await page.getByRole('link', { name: 'Memories' }).click();
    await page.getByTestId('memory-search').fill('pgbouncer transaction');
    await page.getByTestId('memory-search').press('Enter');
    const results = page.getByTestId('memory-results');
    await expect.poll(() => results.locator('.attribution').first().innerText(), POLL).toMatch(/full text/);

    const listingAnswered = page.waitForResponse((response) => !response.request().postDataJSON()?.query);
    releaseListing();
    await listingAnswered;
    await page.waitForTimeout(300); // room for the stale reply to draw, were it allowed to
    expect(await results.locator('.attribution').first().innerText()).toMatch(/full text/);
    expect(await page.locator('.results > p').innerText()).not.toContain('by importance');
    expect(problems).toEqual([]);
  });

  it("offers delete on the caller's own memories only, and deletes through the API", async () => {
    const server = await startDashboardServer();
    const ids = await storeMemories(server);
    const { page, problems } = await openSignedIn(browser(), server, 'alice', '#memories');
    const results = page.getByTestId('memory-results');
    await results.locator('li.memory').nth(2).waitFor();

    await results.locator(`[data-id="${ids['carol-team']}"] .memory-open`).click();
    await page.locator('aside.detail dl').waitFor();
    expect(await page.getByRole('button', { name: 'Delete…' }).count()).toBe(0);

    await results.locator(`[data-id="${ids['pool-size']}"] .memory-open`).click();
    await page.getByRole('button', { name: 'Delete…' }).click();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByText('Deleted.').waitFor();
    expect(await results.locator('li.memory').count()).toBe(2);
    expect((await server.api('alice', `/api/v1/memories/${ids['pool-size']}`)).status).toBe(404);

    // A readonly caller of the same namespace sees the team memory, and no delete.
    const reader = await openSignedIn(browser(), server, 'reader', '#memories');
    await reader.page.getByTestId('memory-results').locator(`[data-id="${ids['pooling']}"] .memory-open`).click();
    await reader.page.locator('aside.detail dl').waitFor();
    expect(await reader.page.getByRole('button', { name: 'Delete…' }).count()).toBe(0);
    expect([...problems, ...reader.problems]).toEqual([]);
  });

  it('lists every pattern with its figures, and explains a query: winner, candidates, routing and why', async () => {
    const server = await startDashboardServer();
    for (const query of ['recall items tagged security', 'recall items tagged security', 'check health']) {
      await server.api('alice', '/api/v1/pattern/execute', { query });
    }
    const { page, problems } = await openSignedIn(browser(), server, 'alice', '#patterns');
    const table = page.getByTestId('pattern-table');
    await table.locator('tbody tr').nth(24).waitFor();
    expect(await table.locator('thead th').allInnerTexts()).toEqual([
      'Pattern',
      'Type',
      'Action',
      'Priority',
      'TTL',
      'Executions',
      'Hit rate',
      'p95',
      'Role',
    ]);
    const rows = await table.locator('tbody tr').count();
    expect(rows).toBe(25);
    const tagged = (await table.locator('tbody tr', { hasText: 'recall_by_tag' }).locator('td').allInnerTexts()).map(
      (t) => t.trim(),
    );
    expect(tagged.slice(0, 6)).toEqual(['memory', 'recall_by_tag', '9', '300 s', '2', '50 %']);
    expect(tagged[6]).toMatch(/^\d+(\.\d+)? ms$/);
    expect(tagged[7]).toBe('readonly');
    const unused = (
      await table
        .locator('tbody tr', { hasText: /^\s*store_memory\b/ })
        .locator('td')
        .allInnerTexts()
    ).map((t) => t.trim());
    expect(unused.slice(0, 8)).toEqual(['memory', 'store', '9', 'never', '0', '–', '–', 'agent']);

    await page.getByLabel('Type').selectOption('hybrid');
    await expect.poll(() => table.locator('tbody tr').count(), POLL).toBe(4);

    await page.getByTestId('explain-input').fill('recall items tagged security');
    await page.getByTestId('explain-input').press('Enter');
    const result = page.getByTestId('explain-result');
    await result.locator('.verdict').waitFor();
    expect(await result.locator('.winner').innerText()).toBe('recall_by_tag');
    const text = await result.innerText();
    expect(text).toMatch(/Why: priority 9 is above 8/);
    expect(text).toMatch(/Routing\s+memory, confidence 100 % \(trigger match\), est\. 90 tokens/);
    expect(text).toContain('tag=security');
    expect(await result.locator('table.candidates tbody tr').count()).toBe(4);
    expect(await result.locator('tr.is-winner td').first().innerText()).toBe('recall_by_tag');
    expect(await page.getByTestId('explain-window').innerText()).toBe('–');

    // A time window in the words: the explanation places it on the calendar.
    await page.getByTestId('explain-input').fill('recall perf notes since last Monday');
    await page.getByTestId('explain-input').press('Enter');
    await expect
      .poll(() => page.getByTestId('explain-window').innerText(), POLL)
      .toMatch(/^“since last Monday”: from \d{4}-\d\d-\d\d \d\d:\d\d UTC \(calendar in .+\)$/);

    // A query no trigger matches: the router's decision and why nothing would run.
    await page.getByTestId('explain-input').fill('zzz qqq');
    await page.getByLabel('Mode', { exact: true }).last().selectOption('fast');
    await page.getByRole('button', { name: 'Explain' }).click();
    await expect
      .poll(() => result.locator('.verdict').innerText(), POLL)
      .toMatch(/Nothing runs — PATTERN_NOT_FOUND in fast mode/);
    expect(problems).toEqual([]);
  });

  it('shows the audit log to admins, filterable, and not to other roles', async () => {
    const server = await startDashboardServer();
    await server.api('alice', '/api/v1/pattern/execute', { query: 'check health' });
    await server.api('bob', '/api/v1/memories', { content: 'ops note' });
    const agent = await openSignedIn(browser(), server, 'alice', '#audit');
    expect(await agent.page.getByRole('link', { name: 'Audit' }).count()).toBe(0);
    expect(agent.page.url()).toMatch(/#audit$/);
    await agent.page.getByRole('heading', { name: 'Overview' }).waitFor();

    const { page, problems } = await openSignedIn(browser(), server, 'root', '#audit');
    const table = page.getByTestId('audit-table');
    await table.locator('tbody tr[data-id]').first().waitFor();
    const operations = await table.locator('tbody tr td:nth-child(4)').allInnerTexts();
    expect(operations).toEqual(expect.arrayContaining(['execute', 'memory.store']));

    await page.getByLabel('Agent').fill('bob');
    await page.getByLabel('Agent').press('Enter');
    await expect.poll(() => table.locator('tbody tr td:nth-child(2)').allInnerTexts(), POLL).toEqual(['bob']);
    expect(await table.locator('tbody tr td:nth-child(4)').allInnerTexts()).toEqual(['memory.store']);
    expect([...problems, ...agent.problems]).toEqual([]);
  });
});
