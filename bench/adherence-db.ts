/**
 * The PostgreSQL database the bench's adherence rows write to: BENCH_DATABASE_URL, else `adherence_bench` on the
 * machine's server (created from its `test` database when absent, and emptied at each run so every run writes to
 * tables of the same size).
 */
import pg from 'pg';

const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://root@127.0.0.1:5432/test';

export async function benchDatabaseUrl(): Promise<string> {
  if (process.env.BENCH_DATABASE_URL) return process.env.BENCH_DATABASE_URL;
  const url = new URL(ADMIN_URL);
  url.pathname = '/adherence_bench';
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', ['adherence_bench']);
    if (exists.rowCount === 0) await admin.query('CREATE DATABASE adherence_bench');
  } finally {
    await admin.end();
  }
  const bench = new pg.Client({ connectionString: url.toString() });
  await bench.connect();
  try {
    await bench.query('DROP SCHEMA IF EXISTS adherence CASCADE');
  } finally {
    await bench.end();
  }
  return url.toString();
}
