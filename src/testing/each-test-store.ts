import { afterEach, beforeEach } from 'vitest';
import type { StoreUnderTest } from './subjects.js';

/**
 * Registers, in the describe it is called in: before each test, a store from `create` and a
 * namespace of its own handed to `use` (a unique namespace keeps shared servers, PostgreSQL,
 * free of cross-test leaks); after each, the store's clean-up.
 */
export function eachTestStore(
  create: () => Promise<StoreUnderTest>,
  use: (subject: StoreUnderTest, namespace: string) => void,
): void {
  let subject: StoreUnderTest | undefined;
  beforeEach(async () => {
    subject = await create();
    use(subject, `ns-${Math.random().toString(36).slice(2, 10)}`);
  });
  afterEach(async () => {
    await subject?.cleanup();
  });
}
