import { createScratchDatabase, type ScratchDatabase } from '../../src/db/scratch-database';

export type TestDatabase = ScratchDatabase;

/** A fresh, migrated database per test file, so runs (and files) never collide. */
export function createTestDatabase(): Promise<TestDatabase> {
  return createScratchDatabase({ adminUrl: process.env.TEST_DATABASE_ADMIN_URL, prefix: 'lifeline_t' });
}
