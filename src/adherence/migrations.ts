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
  {
    version: 3,
    name: 'one row per hook response, its cards and drafts inline',
    // Writing a response's cards, suggestions and drafts as rows of their own (with their keys, indexes and foreign-key
    // checks) cost the embedded store about twice this row of the service's CPU (bench/profile.md, ninth pass). The
    // report expands the inline cards; the retention purge deletes the one row. `id` is the record's own (a batch
    // written again after an unacknowledged commit is counted once), without an index. `cards` is
    // [{uuid, topic, indicator, suggestions: [{uuid, label}]}], `drafts` [{cardUuid, drug, classification}], as
    // src/adherence/records.ts builds them; `card_uuids` their uuids, indexed for feedback about a card shown at any
    // time (fastupdate off: no pending list cleaned in one go by an insert, which with PGlite would stall the event loop).
    // Rows of versions 1-2 are carried over.
    sql: `
      ALTER TABLE adherence.hook_responses RENAME TO hook_responses_v2;
      ALTER INDEX adherence.hook_responses_recorded_at RENAME TO hook_responses_v2_recorded_at;
      CREATE TABLE adherence.hook_responses (
        id uuid NOT NULL,
        recorded_at timestamptz NOT NULL,
        service text NOT NULL,
        hook text NOT NULL,
        hook_instance text NOT NULL,
        pathway_version text NOT NULL,
        patient_pseudonym text,
        user_pseudonym text,
        cards jsonb NOT NULL,
        drafts jsonb NOT NULL,
        card_uuids text[] NOT NULL
      );
      INSERT INTO adherence.hook_responses
      SELECT gen_random_uuid(), r.recorded_at, r.service, r.hook, r.hook_instance, r.pathway_version, r.patient_pseudonym, r.user_pseudonym,
        coalesce((
          SELECT jsonb_agg(jsonb_build_object('uuid', c.uuid, 'topic', c.topic, 'indicator', c.indicator, 'suggestions',
            coalesce((
              SELECT jsonb_agg(jsonb_build_object('uuid', s.uuid, 'label', s.label) ORDER BY s.uuid)
              FROM adherence.card_suggestions s WHERE s.card_uuid = c.uuid
            ), '[]'::jsonb)) ORDER BY c.uuid)
          FROM adherence.cards c WHERE c.response_id = r.id
        ), '[]'::jsonb),
        coalesce((
          SELECT jsonb_agg(jsonb_build_object('cardUuid', d.card_uuid, 'drug', d.drug, 'classification', d.classification)
            ORDER BY d.id)
          FROM adherence.order_drafts d WHERE d.response_id = r.id AND d.card_uuid IS NOT NULL
        ), '[]'::jsonb),
        ARRAY(SELECT c.uuid FROM adherence.cards c WHERE c.response_id = r.id ORDER BY c.uuid)
      FROM adherence.hook_responses_v2 r ORDER BY r.id;
      DROP TABLE adherence.order_drafts, adherence.card_suggestions, adherence.cards, adherence.hook_responses_v2;
      CREATE INDEX hook_responses_recorded_at ON adherence.hook_responses (recorded_at);
      CREATE INDEX hook_responses_card_uuids ON adherence.hook_responses USING gin (card_uuids) WITH (fastupdate = off);`,
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
