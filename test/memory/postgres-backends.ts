import { afterAll, beforeAll, describe } from 'vitest';
import { startPglite, TEST_POSTGRES_URL } from '../helpers/services.js';
import { postgresStoreFixture } from './postgres-store-fixture.js';

export type PostgresFixture = ReturnType<typeof postgresStoreFixture>;

/**
 * A fixture on a PGlite server of its own (pgvector bundled), started before the suite it is
 * called in and stopped, its schema dropped, after it.
 */
export function pgliteFixture(): PostgresFixture {
  let server: Awaited<ReturnType<typeof startPglite>>;
  const fixture = postgresStoreFixture(() => server.url, { vectors: 'pgvector' });
  beforeAll(async () => {
    server = await startPglite();
  });
  afterAll(async () => {
    await fixture.teardown();
    await server.stop();
  });
  return fixture;
}

/**
 * Registers a suite on each PostgreSQL the tests reach, each with a schema of its own that
 * is dropped afterwards: the shared server when TMWS_TEST_POSTGRES_URL is set (always in
 * CI; plain arrays for vectors, as without pgvector), and PGlite (with pgvector) every time.
 */
export function onPostgresBackends(
  subject: string,
  register: (backend: string, fixture: PostgresFixture) => void,
): void {
  describe.skipIf(!TEST_POSTGRES_URL)(`PostgreSQL ${subject}`, () => {
    const fixture = postgresStoreFixture(() => TEST_POSTGRES_URL!, { vectors: 'array' });
    afterAll(() => fixture.teardown());
    register('postgres', fixture);
  });
  describe(`PGlite ${subject}`, () => register('pglite', pgliteFixture()));
}
