// Headless Chromium for the dashboard's tests, screenshots and benchmark: Debian's chromium
// driven by playwright-core, whose own browser downloads are not possible here.
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.TMWS_TEST_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}
