import { loadConfigOrExit } from '../config';
import { checkDatabaseReachable, ensureDatabase, migrate } from './migrate';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const problem = await checkDatabaseReachable(config.DATABASE_URL);
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
  await ensureDatabase(config.DATABASE_URL);
  const applied = await migrate(config.DATABASE_URL, (m) => console.log(m));
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database schema is up to date');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
