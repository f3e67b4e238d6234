import { existsSync } from 'node:fs';
import { CHROMIUM_PATH } from '../../scripts/chromium.mjs';

/**
 * Runs once before the suites. In CI the PostgreSQL, Redis and browser suites must run, so a
 * missing URL or Chromium fails the run; elsewhere one line says how to enable each, and
 * those suites skip.
 */
export default function checkServices(): void {
  const missing = ['TMWS_TEST_POSTGRES_URL', 'TMWS_TEST_REDIS_URL'].filter((name) => !process.env[name]?.trim());
  const noChromium = !existsSync(CHROMIUM_PATH);
  if (process.env['CI'] === 'true') {
    if (missing.length > 0) {
      throw new Error(
        `CI must run the PostgreSQL and Redis suites, but ${missing.join(', ')} missing (.ci/run exports them)`,
      );
    }
    if (noChromium)
      throw new Error(`CI must run the browser suites, but ${CHROMIUM_PATH} is missing (.ci/run installs it)`);
    return;
  }
  if (missing.length > 0) {
    process.stderr.write(
      `PostgreSQL/Redis suites skipped: set TMWS_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test and TMWS_TEST_REDIS_URL=redis://127.0.0.1:6379 to run them\n`,
    );
  }
  if (noChromium) {
    process.stderr.write(
      `Browser suites skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set TMWS_TEST_CHROMIUM)\n`,
    );
  }
}
