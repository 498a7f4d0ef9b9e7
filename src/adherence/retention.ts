/**
 * Retention: records older than ADHERENCE_RETENTION_DAYS are deleted, at start and then every hour, by whichever
 * replica gets there (the deletes are idempotent).
 */
import type { Queryable } from './db.js';

export const PURGE_INTERVAL_MS = 60 * 60 * 1000;

export interface PurgeResult {
  readonly responses: number;
  readonly feedback: number;
}

const DAY_MS = 86_400_000;

/** Deletes responses (with their cards, suggestions and drafts) and feedback older than `days` before `now`. */
export async function purgeOlderThan(db: Queryable, days: number, now: Date): Promise<PurgeResult> {
  const cutoff = new Date(now.getTime() - days * DAY_MS).toISOString();
  const responses = await db.query<{ n: number }>(
    'WITH d AS (DELETE FROM adherence.hook_responses WHERE recorded_at < $1::timestamptz RETURNING 1) SELECT count(*)::int AS n FROM d',
    [cutoff],
  );
  const feedback = await db.query<{ n: number }>(
    'WITH d AS (DELETE FROM adherence.feedback WHERE received_at < $1::timestamptz RETURNING 1) SELECT count(*)::int AS n FROM d',
    [cutoff],
  );
  return { responses: responses[0]?.n ?? 0, feedback: feedback[0]?.n ?? 0 };
}
