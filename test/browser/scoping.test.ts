import { describe, expect, it } from 'vitest';
import { CHROMIUM_AVAILABLE, POLL, openSignedIn, startDashboardServer, useBrowser } from './dashboard-fixture.js';

const browser = useBrowser();

describe.skipIf(!CHROMIUM_AVAILABLE)('two agents side by side', { timeout: 60_000 }, () => {
  it("never show each other's private memories or another namespace's figures", async () => {
    const server = await startDashboardServer();
    const secret = 'alice private: kubernetes token rotation runbook';
    await server.api('alice', '/api/v1/memories', { content: secret, tags: ['secret'], importance: 0.9 });
    await server.api('alice', '/api/v1/memories', { content: 'lab team note on kubernetes', access_level: 'team' });
    await server.api('bob', '/api/v1/memories', { content: 'bob private: ops kubernetes pager', importance: 0.9 });
    for (let i = 0; i < 3; i++) await server.api('alice', '/api/v1/pattern/execute', { query: `calculate ${i} + 1` });
    await server.api('bob', '/api/v1/pattern/execute', { query: 'recall kubernetes' });
    server.advance(5_000);

    // Three people at once, each in their own browser context: alice and carol share namespace lab, bob is in ops.
    const [alice, carol, bob] = await Promise.all([
      openSignedIn(browser(), server, 'alice', '#memories'),
      openSignedIn(browser(), server, 'carol', '#memories'),
      openSignedIn(browser(), server, 'bob', '#memories'),
    ] as const);
    const search = async (opened: typeof alice, query: string) => {
      await opened.page.getByTestId('memory-search').fill(query);
      await opened.page.getByTestId('memory-search').press('Enter');
      await opened.page.getByTestId('memory-results').locator('li').first().waitFor();
      await expect.poll(() => opened.page.locator('.results > p').innerText(), POLL).toMatch(/in \d+ ms/);
      return opened.page.getByTestId('memory-results').locator('.memory-open').allInnerTexts();
    };
    expect((await search(alice, 'kubernetes')).sort()).toEqual([secret, 'lab team note on kubernetes']);
    expect(await search(carol, 'kubernetes')).toEqual(['lab team note on kubernetes']);
    expect(await search(bob, 'kubernetes')).toEqual(['bob private: ops kubernetes pager']);
    expect(await search(alice, 'bob pager')).not.toContain('bob private: ops kubernetes pager');

    // The overview and the pattern table of each namespace count its own executions only.
    const executions = async (opened: typeof alice) => {
      await opened.page.getByRole('link', { name: 'Overview' }).click();
      await opened.page.locator('.tile strong').first().waitFor();
      return {
        scope: await opened.page.locator('.view-head .scope').innerText(),
        total: await opened.page.locator('.tile strong').first().innerText(),
      };
    };
    expect(await executions(alice)).toEqual({ scope: 'Namespace lab', total: '3' });
    expect(await executions(bob)).toEqual({ scope: 'Namespace ops', total: '1' });
    expect(await executions(carol)).toEqual({ scope: 'Namespace lab', total: '3' });

    const patternRow = async (opened: typeof alice, name: string) => {
      await opened.page.getByRole('link', { name: 'Patterns' }).click();
      const row = opened.page.getByTestId('pattern-table').locator('tbody tr', { hasText: name });
      await row.waitFor();
      return (await row.locator('td').nth(4).innerText()).trim();
    };
    expect(await patternRow(alice, 'quick_calculation')).toBe('3');
    expect(await patternRow(alice, 'recall_memory')).toBe('0');
    expect(await patternRow(bob, 'quick_calculation')).toBe('0');
    expect(await patternRow(bob, 'recall_memory')).toBe('1');

    for (const opened of [alice, carol, bob]) expect(opened.problems).toEqual([]);
  });
});
