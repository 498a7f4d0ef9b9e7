/**
 * The adherence report (issue 17): per week the share of signed anticancer orders on the pathway; overrides by reason
 * and by node or rule; acceptance of each node's suggestions; the off-pathway drugs most often ordered; the safety rules
 * fired and how often they were overridden. Titles come from src/pathway, counts from the store.
 */
import { NODES, RULES, isRuleId, type NodeId } from '../pathway/index.js';
import { CLASSIFICATIONS, CLASSIFICATION_PRECEDENCE, type Classification } from './classify.js';
import type { Database } from './db.js';

/** The hook at which an order is signed (CDS Hooks `order-sign`): the orders the weekly share counts. */
export const SIGN_HOOK = 'order-sign';

export interface ReportFilter {
  /** Inclusive start instant. */
  readonly from: Date;
  /** Exclusive end instant. */
  readonly to: Date;
  readonly service?: string;
  /** A node or rule id. */
  readonly topic?: string;
}

export interface WeekRow {
  /** Monday of the ISO week (UTC), YYYY-MM-DD. */
  readonly week: string;
  /** Drafted anticancer drugs at order-sign. */
  readonly signed: number;
  readonly onPathway: number;
  /** onPathway / signed, or null for a week without signed drugs. */
  readonly share: number | null;
  readonly byClassification: Readonly<Record<Classification, number>>;
}

export interface TopicRow {
  readonly topic: string;
  readonly title: string;
  readonly shown: number;
  readonly withSuggestions: number;
  readonly accepted: number;
  readonly overridden: number;
}

export interface AdherenceReport {
  readonly period: { readonly from: string; readonly to: string };
  readonly service: string | null;
  readonly topic: string | null;
  readonly totals: {
    readonly responses: number;
    readonly patients: number;
    readonly cards: number;
    readonly feedback: number;
    /** Feedback about a card this service has no record of (never issued, or its record was dropped). */
    readonly unmatchedFeedback: number;
  };
  readonly weekly: readonly WeekRow[];
  readonly overridesByReason: readonly {
    readonly code: string | null;
    readonly display: string;
    readonly count: number;
  }[];
  readonly overridesByTopic: readonly {
    readonly topic: string;
    readonly title: string;
    readonly shown: number;
    readonly overridden: number;
    readonly rate: number | null;
  }[];
  readonly acceptance: readonly {
    readonly node: string;
    readonly title: string;
    readonly withSuggestions: number;
    readonly accepted: number;
    readonly rate: number | null;
  }[];
  readonly offPathwayDrugs: readonly { readonly drug: string; readonly count: number }[];
  readonly safetyRules: readonly {
    readonly rule: string;
    readonly title: string;
    readonly fired: number;
    readonly overridden: number;
    readonly rate: number | null;
  }[];
}

// $1 from, $2 to, $3 service or null, $4 topic or null: the filters every query shares.
const RESPONSE_FILTER = `r.recorded_at >= $1::timestamptz AND r.recorded_at < $2::timestamptz AND ($3::text IS NULL OR r.service = $3)`;
const FEEDBACK_FILTER = `f.outcome_at >= $1::timestamptz AND f.outcome_at < $2::timestamptz AND ($3::text IS NULL OR f.service = $3)`;

// A response's cards and drafts are inline (migrations.ts, version 3). A response written twice (a batch retried after
// its commit was not acknowledged) is counted once: responses and drafts by the record's id, cards by uuid.
const CARDS = `jsonb_to_recordset(r.cards) AS c(uuid text, topic text, suggestions jsonb)`;
const DRAFTS = `jsonb_to_recordset(r.drafts) AS d("cardUuid" text, drug text, classification text)`;
/** The draft's card (in the same response) is of the topic asked for, if any. */
const DRAFT_TOPIC = `($4::text IS NULL OR EXISTS (SELECT 1 FROM ${CARDS} WHERE c.uuid = d."cardUuid" AND c.topic = $4))`;
/**
 * The cards that feedback of the period is about ($1: their uuids), wherever they were shown (feedback may come after
 * the period its card was shown in), each found through the index of card uuids. Run with sequential scans off
 * (recordedCards): the planner's default estimate for `@>` on an array column (0.5 % of the rows) would have it scan
 * every response for each uuid, when a uuid is in one response.
 */
const FEEDBACK_CARDS = `SELECT f.card_uuid AS uuid, count(*)::int AS n FROM adherence.feedback f WHERE ${FEEDBACK_FILTER} GROUP BY f.card_uuid`;
const RECORDED_CARDS = `
  SELECT DISTINCT c.uuid, c.topic
  FROM unnest($1::text[]) AS u(uuid) CROSS JOIN LATERAL (
    SELECT c.uuid, c.topic FROM adherence.hook_responses r, ${CARDS}
    WHERE r.card_uuids @> ARRAY[u.uuid] AND c.uuid = u.uuid
  ) AS c`;

const recordedCards = (db: Database, uuids: readonly string[]) =>
  db.transaction(async (tx) => {
    await tx.exec('SET LOCAL enable_seqscan = off');
    return tx.query<{ uuid: string; topic: string }>(RECORDED_CARDS, [uuids]);
  });

const WEEKLY = `
  WITH drafts AS (
    SELECT d.drug, date_trunc('week', r.recorded_at AT TIME ZONE 'UTC') AS week,
      min((SELECT p.ord FROM jsonb_array_elements_text($6::jsonb) WITH ORDINALITY AS p(c, ord) WHERE p.c = d.classification)) AS rank
    FROM adherence.hook_responses r, ${DRAFTS}
    WHERE r.hook = $5 AND ${RESPONSE_FILTER} AND ${DRAFT_TOPIC}
    GROUP BY r.id, d.drug, week
  )
  SELECT to_char(week, 'YYYY-MM-DD') AS week, rank::int AS rank, count(*)::int AS n FROM drafts GROUP BY week, rank ORDER BY week`;

// Each card once (by uuid), and each card's feedback once, so the counts need no DISTINCT (a count(DISTINCT) per
// topic sorted every card of the year again: bench/profile.md, tenth pass).
const TOPICS = `
  WITH shown AS (
    SELECT c.uuid, min(c.topic) AS topic, bool_or(jsonb_array_length(c.suggestions) > 0) AS with_suggestions
    FROM adherence.hook_responses r, ${CARDS}
    WHERE ${RESPONSE_FILTER} AND ($4::text IS NULL OR c.topic = $4)
    GROUP BY c.uuid
  ),
  outcomes AS (
    SELECT f.card_uuid, bool_or(f.outcome = 'accepted') AS accepted, bool_or(f.outcome = 'overridden') AS overridden
    FROM adherence.feedback f GROUP BY f.card_uuid
  )
  SELECT s.topic,
    count(*)::int AS shown,
    count(*) FILTER (WHERE s.with_suggestions)::int AS with_suggestions,
    count(*) FILTER (WHERE o.accepted)::int AS accepted,
    count(*) FILTER (WHERE o.overridden)::int AS overridden
  FROM shown s
  LEFT JOIN outcomes o ON o.card_uuid = s.uuid
  GROUP BY s.topic ORDER BY s.topic`;

const REASONS = `
  SELECT f.override_code AS code, f.override_display AS display, count(*)::int AS n
  FROM adherence.feedback f
  WHERE f.outcome = 'overridden' AND ${FEEDBACK_FILTER} AND ($4::text IS NULL OR f.card_uuid = ANY($5::text[]))
  GROUP BY f.override_code, f.override_display ORDER BY n DESC, f.override_code`;

const OFF_PATHWAY_DRUGS = `
  SELECT d.drug, count(DISTINCT r.id)::int AS n
  FROM adherence.hook_responses r, ${DRAFTS}
  WHERE d.classification = $6 AND r.hook = $5 AND ${RESPONSE_FILTER} AND ${DRAFT_TOPIC}
  GROUP BY d.drug ORDER BY n DESC, d.drug LIMIT 10`;

// One pass over the responses for both counts; the cards are counted by TOPICS (each card in one topic's row), so
// their inline arrays are not expanded again here (bench/profile.md, tenth pass).
const TOTALS = `
  SELECT count(DISTINCT r.id)::int AS responses, count(DISTINCT r.patient_pseudonym)::int AS patients
  FROM adherence.hook_responses r WHERE ${RESPONSE_FILTER}`;

const rate = (n: number, d: number): number | null => (d > 0 ? Math.round((n / d) * 1000) / 1000 : null);

/** A node's or rule's title, or the id itself for a topic this version no longer has. */
export const topicTitle = (id: string): string =>
  isRuleId(id) ? RULES[id].title : Object.hasOwn(NODES, id) ? NODES[id as NodeId].title : id;

const emptyCounts = (): Record<Classification, number> =>
  Object.fromEntries(CLASSIFICATIONS.map((c) => [c, 0])) as Record<Classification, number>;

/** Runs the report queries for one filter. */
export async function buildReport(db: Database, filter: ReportFilter): Promise<AdherenceReport> {
  const base = [filter.from.toISOString(), filter.to.toISOString(), filter.service ?? null, filter.topic ?? null];
  const precedence = JSON.stringify(CLASSIFICATION_PRECEDENCE);
  const weeklyRows = await db.query<{ week: string; rank: number; n: number }>(WEEKLY, [
    ...base,
    SIGN_HOOK,
    precedence,
  ]);
  const topics = await db.query<{
    topic: string;
    shown: number;
    with_suggestions: number;
    accepted: number;
    overridden: number;
  }>(TOPICS, base);
  const feedbackCards = await db.query<{ uuid: string; n: number }>(FEEDBACK_CARDS, base.slice(0, 3));
  const recorded = new Map(
    (
      await recordedCards(
        db,
        feedbackCards.map((c) => c.uuid),
      )
    ).map((c) => [c.uuid, c.topic]),
  );
  const ofTopic = (uuid: string): boolean => filter.topic === undefined || recorded.get(uuid) === filter.topic;
  const topicCards = feedbackCards.filter((c) => ofTopic(c.uuid)).map((c) => c.uuid);
  const reasons = await db.query<{ code: string | null; display: string | null; n: number }>(REASONS, [
    ...base,
    topicCards,
  ]);
  const drugs = await db.query<{ drug: string; n: number }>(OFF_PATHWAY_DRUGS, [
    ...base,
    SIGN_HOOK,
    'off-pathway' satisfies Classification,
  ]);
  const totals = (await db.query<{ responses: number; patients: number }>(TOTALS, base.slice(0, 3)))[0];
  const sum = (cards: readonly { n: number }[]): number => cards.reduce((n, c) => n + c.n, 0);

  const weeks = new Map<string, Record<Classification, number>>();
  for (const row of weeklyRows) {
    const counts = weeks.get(row.week) ?? emptyCounts();
    const c = CLASSIFICATION_PRECEDENCE[row.rank - 1];
    if (c !== undefined) counts[c] += row.n;
    weeks.set(row.week, counts);
  }
  const topicRows: TopicRow[] = topics.map((t) => ({
    topic: t.topic,
    title: topicTitle(t.topic),
    shown: t.shown,
    withSuggestions: t.with_suggestions,
    accepted: t.accepted,
    overridden: t.overridden,
  }));
  return {
    period: { from: base[0] as string, to: base[1] as string },
    service: filter.service ?? null,
    topic: filter.topic ?? null,
    totals: {
      responses: totals?.responses ?? 0,
      patients: totals?.patients ?? 0,
      // TOPICS groups each card (by uuid) under one topic: their `shown` add up to the cards of the period.
      cards: topics.reduce((n, t) => n + t.shown, 0),
      feedback: sum(feedbackCards.filter((c) => ofTopic(c.uuid))),
      // Feedback without a record is of no topic: counted only without a topic filter.
      unmatchedFeedback: filter.topic === undefined ? sum(feedbackCards.filter((c) => !recorded.has(c.uuid))) : 0,
    },
    weekly: [...weeks].map(([week, byClassification]) => {
      const signed = CLASSIFICATIONS.reduce((sum, c) => sum + byClassification[c], 0);
      const onPathway = byClassification['on-pathway'];
      return { week, signed, onPathway, share: rate(onPathway, signed), byClassification };
    }),
    overridesByReason: reasons.map((r) => ({ code: r.code, display: r.display ?? 'No reason given', count: r.n })),
    overridesByTopic: topicRows
      .filter((t) => t.overridden > 0)
      .sort((a, b) => b.overridden - a.overridden)
      .map((t) => ({
        topic: t.topic,
        title: t.title,
        shown: t.shown,
        overridden: t.overridden,
        rate: rate(t.overridden, t.shown),
      })),
    acceptance: topicRows
      .filter((t) => !isRuleId(t.topic) && t.withSuggestions > 0)
      .map((t) => ({
        node: t.topic,
        title: t.title,
        withSuggestions: t.withSuggestions,
        accepted: t.accepted,
        rate: rate(t.accepted, t.withSuggestions),
      })),
    offPathwayDrugs: drugs.map((d) => ({ drug: d.drug, count: d.n })),
    safetyRules: topicRows
      .filter((t) => isRuleId(t.topic))
      .map((t) => ({
        rule: t.topic,
        title: t.title,
        fired: t.shown,
        overridden: t.overridden,
        rate: rate(t.overridden, t.shown),
      })),
  };
}
