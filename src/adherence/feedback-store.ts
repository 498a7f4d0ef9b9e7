/**
 * CDS Hooks feedback (https://cds-hooks.hl7.org/2.0/#feedback) into the adherence store, before the service answers
 * 200: every entry of one POST in one statement. An entry is keyed by a hash of its content, so the same feedback
 * posted twice is stored once; feedback for a card this service never issued is stored too (unmatched in the report).
 */
import { createHash } from 'node:crypto';
import { OVERRIDE_REASONS } from '../pathway/index.js';
import type { Queryable } from './db.js';

/** One validated feedback entry (src/http/feedback.ts validates the body first). */
export interface FeedbackEntryInput {
  readonly card: string;
  readonly outcome: 'accepted' | 'overridden';
  readonly outcomeTimestamp: string;
  readonly acceptedSuggestions?: readonly { readonly id: string }[];
  readonly overrideReason?: {
    readonly reason?: { readonly system?: string; readonly code?: string; readonly display?: string };
    readonly userComment?: string;
  };
}

export interface FeedbackResult {
  /** Entries stored now. */
  readonly stored: number;
  /** Entries already stored by an earlier POST (or repeated in this one). */
  readonly duplicates: number;
}

const CARD_MAX = 200;
/** An override comment is the clinician's own words, kept for review; bounded like the validator bounds it. */
const COMMENT_MAX = 2_000;

const INSERT_FEEDBACK = `
  WITH input AS (SELECT e FROM jsonb_array_elements($1::jsonb) AS e),
  stored AS (
    INSERT INTO adherence.feedback (entry_key, received_at, service, card_uuid, outcome, override_system, override_code,
      override_display, override_comment, outcome_at, user_pseudonym)
    SELECT e->>'key', $2::timestamptz, $3, e->>'card', e->>'outcome', e->>'system', e->>'code', e->>'display',
      e->>'comment', (e->>'outcomeAt')::timestamptz, $4
    FROM input
    ON CONFLICT (entry_key) DO NOTHING
    RETURNING id, entry_key
  ),
  accepted AS (
    INSERT INTO adherence.feedback_suggestions (feedback_id, suggestion_uuid)
    SELECT stored.id, s
    FROM stored JOIN input ON input.e->>'key' = stored.entry_key, jsonb_array_elements_text(input.e->'accepted') AS s
    ON CONFLICT DO NOTHING
  )
  SELECT count(*)::int AS stored FROM stored`;

/** The display stored for a reason: the pathway's own words for its code (the EHR's display is not trusted text). */
const reasonDisplay = (system: string | undefined, code: string | undefined): string | undefined =>
  OVERRIDE_REASONS.find((r) => r.system === system && r.code === code)?.display;

function row(service: string, e: FeedbackEntryInput) {
  const accepted = [...new Set((e.acceptedSuggestions ?? []).map((s) => s.id.toLowerCase()))].sort();
  const system = e.overrideReason?.reason?.system;
  const code = e.overrideReason?.reason?.code;
  const comment = e.overrideReason?.userComment?.slice(0, COMMENT_MAX);
  const outcomeAt = new Date(e.outcomeTimestamp).toISOString();
  const card = e.card.slice(0, CARD_MAX);
  const key = createHash('sha256')
    .update(
      JSON.stringify([service, card, e.outcome, outcomeAt, accepted, system ?? null, code ?? null, comment ?? null]),
    )
    .digest('hex');
  return {
    key,
    card,
    outcome: e.outcome,
    outcomeAt,
    accepted,
    system,
    code,
    display: reasonDisplay(system, code),
    comment,
  };
}

/** Stores the entries of one feedback POST; throws when the database cannot be reached (the caller answers 503). */
export async function storeFeedback(
  db: Queryable,
  service: string,
  entries: readonly FeedbackEntryInput[],
  user: string | undefined,
  now: Date,
): Promise<FeedbackResult> {
  const rows = [...new Map(entries.map((e) => row(service, e)).map((r) => [r.key, r])).values()];
  const result = await db.query<{ stored: number }>(INSERT_FEEDBACK, [
    JSON.stringify(rows),
    now.toISOString(),
    service,
    user ?? null,
  ]);
  const stored = result[0]?.stored ?? 0;
  return { stored, duplicates: entries.length - stored };
}
