/**
 * Runs once before the suites. In CI the PostgreSQL and Redis suites must run, so missing
 * URLs fail the run; elsewhere one line says how to enable them and those suites skip.
 */
export default function checkServices(): void {
  const missing = ['TMWS_TEST_POSTGRES_URL', 'TMWS_TEST_REDIS_URL'].filter((name) => !process.env[name]?.trim());
  if (missing.length === 0) return;
  if (process.env['CI'] === 'true') {
    throw new Error(
      `CI must run the PostgreSQL and Redis suites, but ${missing.join(', ')} missing (.ci/run exports them)`,
    );
  }
  process.stderr.write(
    `PostgreSQL/Redis suites skipped: set TMWS_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test and TMWS_TEST_REDIS_URL=redis://127.0.0.1:6379 to run them\n`,
  );
}
