/**
 * The adherence report on a year of synthetic data (bench/profile.md, ninth and tenth passes): fills a database of
 * its own on the machine's PostgreSQL (`adherence_year`, or BENCH_YEAR_DATABASE_URL) with 365 days of 1,000 hook
 * responses each (2 cards, 0.8 suggestions per response, a fifth of them order-sign with one draft) and 18,000
 * feedback entries about cards shown, then times the report for a week and for the whole year.
 *
 *   npx tsx bench/adherence-year.ts            fill (when empty) and time
 *   BENCH_YEAR_REFILL=1                        drop the schema and fill again (at the latest migration)
 *   BENCH_YEAR_REPEATS=2                       timings of each report
 */
import os from 'node:os';
import pg from 'pg';
import { openPostgres } from '../src/adherence/db.js';
import { migrate } from '../src/adherence/migrations.js';
import { buildReport } from '../src/adherence/report.js';
import { CLASSIFICATIONS } from '../src/adherence/classify.js';
import { DRUG_KEYS, NODE_IDS, RULE_IDS } from '../src/pathway/index.js';

const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://root@127.0.0.1:5432/test';
const REPEATS = Number(process.env.BENCH_YEAR_REPEATS ?? '2');
const YEAR_START = new Date('2026-01-05T00:00:00Z');
const DAYS = 365;
const PER_DAY = 1_000;

async function databaseUrl(): Promise<string> {
  if (process.env.BENCH_YEAR_DATABASE_URL) return process.env.BENCH_YEAR_DATABASE_URL;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', ['adherence_year']);
    if (exists.rowCount === 0) await admin.query('CREATE DATABASE adherence_year');
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = '/adherence_year';
  return url.toString();
}

// One statement per day keeps each transaction small. $1 day start, $2 node ids, $3 rule ids, $4 drugs, $5 classes.
// The card uuids' LATERAL refers to `i` so that each response gets its own (uncorrelated, it would run once).
const FILL_DAY = `
  INSERT INTO adherence.hook_responses
  SELECT gen_random_uuid(), $1::timestamptz + (i * interval '86 seconds'),
    CASE WHEN i % 5 = 0 THEN 'sts-pathway-order-sign' ELSE 'sts-pathway-patient-view' END,
    CASE WHEN i % 5 = 0 THEN 'order-sign' ELSE 'patient-view' END,
    gen_random_uuid()::text, '2026.12.1', md5('p' || (i % 400)), md5('u' || (i % 40)),
    jsonb_build_array(
      jsonb_build_object('uuid', c1, 'topic', ($2::text[])[1 + i % array_length($2::text[], 1)], 'indicator', 'info',
        'suggestions', CASE WHEN i % 5 < 4 THEN jsonb_build_array(jsonb_build_object('uuid', gen_random_uuid(),
          'label', 'Order the regimen of this node (synthetic label of about sixty characters)')) ELSE '[]'::jsonb END),
      jsonb_build_object('uuid', c2, 'topic', ($3::text[])[1 + i % array_length($3::text[], 1)], 'indicator', 'warning',
        'suggestions', '[]'::jsonb)),
    CASE WHEN i % 5 = 0 THEN jsonb_build_array(jsonb_build_object('cardUuid', c1,
      'drug', ($4::text[])[1 + i % array_length($4::text[], 1)],
      'classification', ($5::text[])[1 + (i / 5) % array_length($5::text[], 1)])) ELSE '[]'::jsonb END,
    ARRAY[c1, c2]
  FROM generate_series(0, ${PER_DAY - 1}) AS i,
    LATERAL (SELECT gen_random_uuid()::text AS c1, gen_random_uuid()::text AS c2 WHERE i >= 0) AS u`;

const FILL_FEEDBACK = `
  INSERT INTO adherence.feedback (entry_key, received_at, service, card_uuid, outcome, override_code, override_display,
    outcome_at)
  SELECT md5(r.card_uuids[1]), r.recorded_at + interval '1 minute', r.service, r.card_uuids[1],
    CASE WHEN n % 3 = 0 THEN 'accepted' ELSE 'overridden' END,
    CASE WHEN n % 3 = 0 THEN NULL ELSE 'reason-' || (n % 4) END,
    CASE WHEN n % 3 = 0 THEN NULL ELSE 'Reason ' || (n % 4) END,
    r.recorded_at + interval '1 minute'
  FROM (SELECT r.*, row_number() OVER () AS n FROM adherence.hook_responses r) r
  WHERE n % 20 = 0 AND n <= 360000`;

async function fill(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    if (process.env.BENCH_YEAR_REFILL === '1') await client.query('DROP SCHEMA IF EXISTS adherence CASCADE');
    const db = openPostgres(url, { queryTimeoutMs: 600_000 });
    await migrate(db);
    await db.close();
    const [row] = (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM adherence.hook_responses')).rows;
    if ((row?.n ?? 0) > 0) return;
    const t0 = Date.now();
    for (let d = 0; d < DAYS; d++) {
      const day = new Date(YEAR_START.getTime() + d * 86_400_000).toISOString();
      await client.query(FILL_DAY, [day, NODE_IDS, RULE_IDS, DRUG_KEYS, CLASSIFICATIONS]);
    }
    await client.query(FILL_FEEDBACK);
    await client.query('VACUUM ANALYZE adherence.hook_responses');
    await client.query('VACUUM ANALYZE adherence.feedback');
    process.stdout.write(`filled a year in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  } finally {
    await client.end();
  }
}

const url = await databaseUrl();
await fill(url);
const db = openPostgres(url, { queryTimeoutMs: 600_000 });
try {
  const periods: [string, Date, Date][] = [
    ['a week', new Date('2026-06-01T00:00:00Z'), new Date('2026-06-08T00:00:00Z')],
    ['the whole year', YEAR_START, new Date(YEAR_START.getTime() + DAYS * 86_400_000)],
  ];
  for (const [label, from, to] of periods) {
    const times: number[] = [];
    let cards = 0;
    for (let i = 0; i < REPEATS; i++) {
      const t0 = performance.now();
      const report = await buildReport(db, { from, to });
      times.push((performance.now() - t0) / 1000);
      cards = report.totals.cards;
    }
    process.stdout.write(
      `report of ${label}: ${times.map((t) => t.toFixed(2)).join(', ')} s (${cards} cards; load ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')})\n`,
    );
  }
} finally {
  await db.close();
}
