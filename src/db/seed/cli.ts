// `npm run seed`: the same database the app would open (DATABASE_URL, else PGlite in DATA_DIR),
// migrated, then the demo data if it holds no users yet. Safe to run any number of times.
import { loadConfig } from '../../config.ts';
import { connectPglite, connectPostgres, type Db } from '../client.ts';
import { migrate } from '../migrate.ts';
import { seedDemo } from './demo.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.production)
    throw new Error('NODE_ENV=production never loads the demo data (its admin password is public); `npm run create-admin` makes an admin');
  const db: Db = config.DATABASE_URL
    ? connectPostgres({ url: config.DATABASE_URL, poolMax: 2, applicationName: 'cinema-seed' })
    : await connectPglite(config.dataDir);
  try {
    const applied = await migrate(db);
    const started = performance.now();
    const { created } = await seedDemo(db);
    const ms = Math.round(performance.now() - started);
    const where = db.kind === 'postgres' ? 'PostgreSQL' : `PGlite (${config.dataDir})`;
    const migrated = applied.length > 0 ? `applied ${applied.join(', ')}; ` : '';
    process.stdout.write(
      created
        ? `seed: ${migrated}demo data loaded into ${where} in ${ms} ms\n`
        : `seed: ${migrated}${where} already has users, demo data left alone\n`,
    );
  } finally {
    await db.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`seed failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
