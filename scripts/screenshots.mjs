// Screenshots of every dashboard view for the docs (docs/dashboard/*.png), taken in
// headless Chromium on the demo server of scripts/dashboard-demo.mjs.
// Run: npm run screenshots   (TMWS_TEST_CHROMIUM=/path/to/chromium to use another browser)
import { mkdirSync } from 'node:fs';
import { launchChromium } from './chromium.mjs';
import { startDemo } from './dashboard-demo.mjs';

const OUT = new URL('../docs/dashboard/', import.meta.url);

mkdirSync(OUT, { recursive: true });
const { app, engine, address, keys } = await startDemo();
const browser = await launchChromium();
const shot = (page, name) => page.screenshot({ path: new URL(`${name}.png`, OUT).pathname });

async function signIn(agent) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  await page.goto(`${address}/dashboard`);
  await page.getByTestId('login-key').fill(keys[agent]);
  await page.getByTestId('login-key').press('Enter');
  await page.getByTestId('identity').waitFor();
  return page;
}

try {
  const login = await (await browser.newContext({ viewport: { width: 1280, height: 640 } })).newPage();
  await login.goto(`${address}/dashboard`);
  await login.getByTestId('login-key').waitFor();
  await shot(login, 'login');

  const alice = await signIn('alice');
  await alice.locator('.tile').first().waitFor();
  await alice.waitForTimeout(500);
  await shot(alice, 'overview');

  await alice.goto(`${address}/dashboard#memories`);
  await alice.getByTestId('memory-search').fill('connection pooling');
  await alice.getByTestId('memory-search').press('Enter');
  await alice.getByTestId('memory-results').locator('li.memory').first().waitFor();
  await alice.getByTestId('memory-results').locator('.memory-open').first().click();
  await alice.locator('.detail dl').waitFor();
  await shot(alice, 'memories');

  await alice.goto(`${address}/dashboard#patterns`);
  await alice.getByTestId('pattern-table').locator('tbody tr').first().waitFor();
  await alice.getByTestId('explain-input').fill('recall items tagged security');
  await alice.getByTestId('explain-input').press('Enter');
  await alice.getByTestId('explain-result').locator('.verdict').waitFor();
  await alice.setViewportSize({ width: 1280, height: 1500 });
  await shot(alice, 'patterns');

  const root = await signIn('root');
  await root.goto(`${address}/dashboard#audit`);
  await root.getByTestId('audit-table').locator('tbody tr').first().waitFor();
  await shot(root, 'audit');
  console.log(`screenshots in ${OUT.pathname}`);
} finally {
  await browser.close();
  await app.close();
  await engine.close();
}
