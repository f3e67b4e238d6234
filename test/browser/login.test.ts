import { describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/server.js';
import { CHROMIUM_AVAILABLE, openDashboard, signIn, startDashboardServer, useBrowser } from './dashboard-fixture.js';

const browser = useBrowser();

describe.skipIf(!CHROMIUM_AVAILABLE)('signing in to the dashboard', { timeout: 60_000 }, () => {
  it('asks for a key, shows nothing without one, and answers 401 to the data endpoints the page uses', async () => {
    const server = await startDashboardServer();
    const { page, problems } = await openDashboard(browser(), server.base);
    const key = page.getByTestId('login-key');
    await key.waitFor();
    // A labelled control with a submit button; no data on the page.
    expect(await page.getByLabel('API key').getAttribute('data-testid')).toBe('login-key');
    await expect(page.getByRole('button', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
    expect(await page.getByTestId('stats-chart').count()).toBe(0);
    expect(await page.getByTestId('identity').count()).toBe(0);
    expect(await key.evaluate((input) => input === document.activeElement)).toBe(true);

    for (const path of ['/api/v1/whoami', '/api/v1/pattern/stats', '/api/v1/patterns', '/api/v1/audit']) {
      const answer = await page.evaluate(async (p) => (await fetch(p)).status, path);
      expect(answer, path).toBe(401);
    }
    const search = await page.evaluate(
      async () =>
        (
          await fetch('/api/v1/memories/search', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{}',
          })
        ).status,
    );
    expect(search).toBe(401);
    problems.length = 0; // the 401s above are logged by Chromium as failed loads, on purpose
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it('refuses a wrong key with the reason, then signs in with Enter and keeps the key for the tab only', async () => {
    const server = await startDashboardServer();
    const { page, problems } = await openDashboard(browser(), server.base);
    await page.getByTestId('login-key').fill('tmws_not-a-real-key-at-all');
    await page.getByTestId('login-key').press('Enter');
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/^Not signed in: /);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    expect(problems.filter((p) => !p.includes('401'))).toEqual([]);
    problems.length = 0;

    await signIn(page, server.keys.alice);
    expect(await page.getByTestId('identity').textContent()).toBe('alice · lab · agent');
    expect(await page.evaluate(() => Object.keys(sessionStorage))).toEqual(['tmws-dashboard-key']);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);

    // A reload in the same tab stays signed in; a new tab (another context) starts at the login.
    await page.reload();
    await page.getByTestId('identity').waitFor();
    const other = await openDashboard(browser(), server.base);
    await other.page.getByTestId('login-key').waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByTestId('login-key').waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    expect([...problems, ...other.problems]).toEqual([]);
  });

  it('opens directly without an auth file (loopback only), as the local admin', async () => {
    const { base } = await startTestServer();
    const { page, problems } = await openDashboard(browser(), base);
    await page.getByTestId('identity').waitFor();
    expect(await page.getByTestId('identity').textContent()).toBe('default · default · admin');
    expect(await page.getByTestId('login-key').count()).toBe(0);
    await page.getByTestId('stats-chart').locator('canvas').waitFor();
    expect(problems).toEqual([]);
  });

  it('is usable by keyboard: a skip link, tab order through the navigation, and a visible focus ring', async () => {
    const server = await startDashboardServer();
    const { page, problems } = await openDashboard(browser(), server.base);
    await signIn(page, server.keys.alice);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Overview');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).toBe('solid');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByTestId('memory-search').waitFor();
    expect(page.url()).toMatch(/#memories$/);
    // The skip link moves focus to the content and stays on the view.
    await page.getByRole('link', { name: 'Skip to content' }).focus();
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    expect(page.url()).toMatch(/#memories$/);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('memory-search');
    expect(problems).toEqual([]);
  });
});
