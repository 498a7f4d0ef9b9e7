/**
 * `npm run migrate`: applies the adherence store's migrations (src/adherence/migrations.ts) to DATABASE_URL, or to the
 * embedded database in DATA_DIR, and prints the versions. The service also migrates at start.
 */
import { ConfigError, loadConfig } from '../src/config.js';
import { migrate, openPglite, openPostgres } from '../src/adherence/index.js';

let config;
try {
  config = loadConfig().adherence;
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
  process.exit(1);
}
if (config.databaseUrl === undefined && config.dataDir === undefined) {
  process.stderr.write('migrate: set DATABASE_URL (a PostgreSQL server) or DATA_DIR (the embedded database folder)\n');
  process.exit(2);
}
const db = config.databaseUrl !== undefined ? openPostgres(config.databaseUrl) : await openPglite(config.dataDir);
try {
  const r = await migrate(db);
  process.stdout.write(
    `migrate: ${db.kind} at version ${r.to} (was ${r.from}; applied ${r.applied.join(', ') || 'none'})\n`,
  );
} catch (err) {
  process.stderr.write(`migrate: failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
} finally {
  await db.close();
}
