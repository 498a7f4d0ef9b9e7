/**
 * Versioned schema of the adherence store (schema `adherence`), applied in order at start and by `npm run migrate`.
 * A migration, once landed, never changes: a new change is a new version. The same SQL runs on PostgreSQL and PGlite.
 */
import type { Database } from './db.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'cards, order drafts and feedback',
    // No column holds a patient or user identifier, a token or chart text: patients and users are keyed pseudonyms
    // (pseudonym.ts); suggestion labels are the service's own words.
    sql: `
      CREATE TABLE adherence.hook_responses (
        id bigserial PRIMARY KEY,
        recorded_at timestamptz NOT NULL,
        service text NOT NULL,
        hook text NOT NULL,
        hook_instance text NOT NULL,
        pathway_version text NOT NULL,
        patient_pseudonym text,
        user_pseudonym text
      );
      CREATE TABLE adherence.cards (
        uuid text PRIMARY KEY,
        response_id bigint NOT NULL REFERENCES adherence.hook_responses (id) ON DELETE CASCADE,
        topic text NOT NULL,
        indicator text NOT NULL
      );
      CREATE TABLE adherence.card_suggestions (
        uuid text PRIMARY KEY,
        card_uuid text NOT NULL REFERENCES adherence.cards (uuid) ON DELETE CASCADE,
        label text NOT NULL
      );
      CREATE TABLE adherence.order_drafts (
        id bigserial PRIMARY KEY,
        response_id bigint NOT NULL REFERENCES adherence.hook_responses (id) ON DELETE CASCADE,
        card_uuid text REFERENCES adherence.cards (uuid) ON DELETE CASCADE,
        drug text NOT NULL,
        classification text NOT NULL
      );
      CREATE TABLE adherence.feedback (
        id bigserial PRIMARY KEY,
        entry_key text NOT NULL UNIQUE,
        received_at timestamptz NOT NULL,
        service text NOT NULL,
        card_uuid text NOT NULL,
        outcome text NOT NULL,
        override_system text,
        override_code text,
        override_display text,
        override_comment text,
        outcome_at timestamptz NOT NULL,
        user_pseudonym text
      );
      CREATE TABLE adherence.feedback_suggestions (
        feedback_id bigint NOT NULL REFERENCES adherence.feedback (id) ON DELETE CASCADE,
        suggestion_uuid text NOT NULL,
        PRIMARY KEY (feedback_id, suggestion_uuid)
      );`,
  },
  {
    version: 2,
    name: 'indexes for the report and the retention purge',
    sql: `
      CREATE INDEX hook_responses_recorded_at ON adherence.hook_responses (recorded_at);
      CREATE INDEX cards_response_id ON adherence.cards (response_id);
      CREATE INDEX card_suggestions_card_uuid ON adherence.card_suggestions (card_uuid);
      CREATE INDEX order_drafts_response_id ON adherence.order_drafts (response_id);
      CREATE INDEX feedback_card_uuid ON adherence.feedback (card_uuid);
      CREATE INDEX feedback_received_at ON adherence.feedback (received_at);`,
  },
];

export const LATEST_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

// Replicas starting together migrate one at a time (pg_advisory_xact_lock is released at commit).
const LOCK_KEY = 1_707_2026;

export interface MigrationResult {
  /** Version found before. */
  readonly from: number;
  /** Version after. */
  readonly to: number;
  readonly applied: readonly number[];
}

/** Applies every migration above the database's version, up to `to` (default: all), in one transaction. */
export async function migrate(db: Database, to: number = LATEST_VERSION): Promise<MigrationResult> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await tx.exec(`
      CREATE SCHEMA IF NOT EXISTS adherence;
      CREATE TABLE IF NOT EXISTS adherence.schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      );`);
    const rows = await tx.query<{ v: number }>(
      'SELECT coalesce(max(version), 0)::int AS v FROM adherence.schema_migrations',
    );
    const from = rows[0]?.v ?? 0;
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (m.version <= from || m.version > to) continue;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO adherence.schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    return { from, to: Math.max(from, applied.at(-1) ?? from), applied };
  });
}
