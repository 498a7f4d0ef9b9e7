/**
 * The adherence store's behaviour, run on both databases it supports (PostgreSQL and PGlite): the same SQL must give
 * the same answers on each.
 */
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/log.js';
import {
  LATEST_VERSION,
  MIGRATIONS,
  migrate,
  openAdherenceStore,
  type AdherenceStore,
  type Database,
} from '../../../src/adherence/index.js';
import { storeFeedback } from '../../../src/adherence/feedback-store.js';
import { buildReport } from '../../../src/adherence/report.js';
import type { OrderCardNote } from '../../../src/adherence/records.js';
import type { Card, CdsRequest, CdsResponse } from '../../../src/shared/cds-hooks.js';
import {
  OVERRIDE_REASONS,
  RULES,
  SOURCE_LABEL,
  topicOf,
  type NodeId,
  type RuleId,
} from '../../../src/pathway/index.js';

const DAY = 86_400_000;

const card = (topic: NodeId | RuleId, indicator: Card['indicator'], suggestions = 0): Card => ({
  uuid: randomUUID(),
  summary: 'summary',
  indicator,
  source: { label: SOURCE_LABEL, topic: topicOf(topic) },
  ...(suggestions > 0
    ? { suggestions: Array.from({ length: suggestions }, (_, i) => ({ label: `Option ${i}`, uuid: randomUUID() })) }
    : {}),
});

const request = (hook: string, patientId: string): CdsRequest => ({
  hook,
  hookInstance: randomUUID(),
  fhirServer: 'http://ehr.example.org/fhir',
  context: { patientId, userId: 'Practitioner/dr-contract' },
});

export function describeStoreContract(label: string, open: () => Promise<Database>): void {
  describe(`adherence store on ${label}`, () => {
    let db: Database;
    let store: AdherenceStore;
    let now = new Date('2026-11-25T12:00:00Z');
    const config = loadConfig({
      STS_MODE: 'development',
      LOG_LEVEL: 'silent',
      EMBEDDED_FHIR: 'false',
      PSEUDONYM_KEY: 'k'.repeat(40),
    }).adherence;

    beforeAll(async () => {
      db = await open();
    }, 120_000);
    afterAll(async () => {
      await (store ? store.close() : db.close());
    });

    const tables = async () =>
      (
        await db.query<{ t: string }>(
          `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'adherence' ORDER BY 1`,
        )
      ).map((r) => r.t);

    test('migrates an empty database to the latest version', async () => {
      const r = await migrate(db);
      expect(r).toEqual({ from: 0, to: LATEST_VERSION, applied: MIGRATIONS.map((m) => m.version) });
      expect(await tables()).toEqual(['feedback', 'feedback_suggestions', 'hook_responses', 'schema_migrations']);
      expect((await migrate(db)).applied).toEqual([]);
    });

    test('migrates a database at the previous version and keeps its rows', async () => {
      await db.exec('DROP SCHEMA adherence CASCADE');
      expect((await migrate(db, LATEST_VERSION - 1)).to).toBe(LATEST_VERSION - 1);
      // Version 2 kept a response's cards, suggestions and drafts in tables of their own.
      const [response] = await db.query<{ id: string }>(
        `INSERT INTO adherence.hook_responses
           (recorded_at, service, hook, hook_instance, pathway_version, patient_pseudonym, user_pseudonym)
         VALUES ($1, 'sts-pathway-order-sign', 'order-sign', 'hi-1', '2026.11.1', 'p1', 'u1') RETURNING id`,
        [now.toISOString()],
      );
      const off = randomUUID();
      const info = randomUUID();
      const suggestion = randomUUID();
      await db.query(
        `INSERT INTO adherence.cards (uuid, response_id, topic, indicator)
         VALUES ($1, $3, 'OFF-PATHWAY', 'warning'), ($2, $3, 'M-1L-DOXO', 'info')`,
        [off, info, response!.id],
      );
      await db.query(`INSERT INTO adherence.card_suggestions (uuid, card_uuid, label) VALUES ($1, $2, 'Order it')`, [
        suggestion,
        off,
      ]);
      await db.query(
        `INSERT INTO adherence.order_drafts (response_id, card_uuid, drug, classification)
         VALUES ($1, $2, 'imatinib', 'off-pathway')`,
        [response!.id, off],
      );
      const fb = { card: off, outcome: 'overridden' as const, outcomeTimestamp: now.toISOString() };
      expect(await storeFeedback(db, 'sts-pathway-order-sign', [fb], undefined, now)).toEqual({
        stored: 1,
        duplicates: 0,
      });

      const r = await migrate(db);
      expect(r).toEqual({ from: LATEST_VERSION - 1, to: LATEST_VERSION, applied: [LATEST_VERSION] });
      expect(await tables()).toEqual(['feedback', 'feedback_suggestions', 'hook_responses', 'schema_migrations']);
      const indexes = await db.query<{ n: string }>(
        `SELECT indexname AS n FROM pg_indexes WHERE schemaname = 'adherence'`,
      );
      expect(indexes.map((i) => i.n)).toEqual(
        expect.arrayContaining(['feedback_card_uuid', 'hook_responses_recorded_at', 'hook_responses_card_uuids']),
      );
      expect(await db.query('SELECT card_uuid FROM adherence.feedback')).toEqual([{ card_uuid: fb.card }]);
      const rows = await db.query<{
        hook_instance: string;
        patient_pseudonym: string;
        cards: unknown;
        drafts: unknown;
      }>('SELECT hook_instance, patient_pseudonym, cards, drafts FROM adherence.hook_responses');
      expect(rows.map((r) => ({ ...r, cards: undefined }))).toEqual([
        {
          hook_instance: 'hi-1',
          patient_pseudonym: 'p1',
          cards: undefined,
          drafts: [{ cardUuid: off, drug: 'imatinib', classification: 'off-pathway' }],
        },
      ]);
      expect(rows[0]?.cards).toEqual(
        expect.arrayContaining([
          {
            uuid: off,
            topic: 'OFF-PATHWAY',
            indicator: 'warning',
            suggestions: [{ uuid: suggestion, label: 'Order it' }],
          },
          { uuid: info, topic: 'M-1L-DOXO', indicator: 'info', suggestions: [] },
        ]),
      );
      // The report reads the carried rows as it reads new ones.
      const report = await buildReport(db, { from: new Date(now.getTime() - DAY), to: new Date(now.getTime() + DAY) });
      expect(report.totals).toEqual({ responses: 1, patients: 1, cards: 2, feedback: 1, unmatchedFeedback: 0 });
      expect(report.offPathwayDrugs).toEqual([{ drug: 'imatinib', count: 1 }]);
      expect(report.overridesByTopic).toEqual([
        expect.objectContaining({ topic: 'OFF-PATHWAY', shown: 1, overridden: 1, rate: 1 }),
      ]);
      await db.exec('TRUNCATE adherence.feedback CASCADE; TRUNCATE adherence.hook_responses');
    });

    test('records cards, classified drafts and feedback, and reports them', async () => {
      store = await openAdherenceStore(config, createLogger('silent'), { db, clock: () => now });
      // A patient-view card with two suggestions; an order-sign with an off-pathway draft and a blocking rule.
      const pv = card('M-1L-DOXO', 'info', 2);
      store.recordResponse('sts-pathway-patient-view', request('patient-view', 'pat-1'), { cards: [pv] }, []);
      const off = card('OFF-PATHWAY', 'warning', 1);
      const unsafe = card('S-OLARATUMAB', 'critical');
      const onPathway = card('M-1L-DOXO', 'info');
      const sign: CdsResponse = { cards: [off, unsafe, onPathway] };
      const notes: OrderCardNote[] = [
        { uuid: off.uuid!, kind: 'off-pathway', topic: 'OFF-PATHWAY', drugs: ['imatinib'] },
        { uuid: unsafe.uuid!, kind: 'rule', topic: 'S-OLARATUMAB', drugs: ['olaratumab'] },
        { uuid: onPathway.uuid!, kind: 'on-pathway', topic: 'M-1L-DOXO', drugs: ['doxorubicin'] },
      ];
      store.recordResponse('sts-pathway-order-sign', request('order-sign', 'pat-1'), sign, notes);
      expect(await store.flush(10_000)).toBe(true);

      const reason = OVERRIDE_REASONS[0]!;
      const result = await store.recordFeedback(
        'sts-pathway-order-sign',
        [
          {
            card: pv.uuid!,
            outcome: 'accepted',
            outcomeTimestamp: now.toISOString(),
            acceptedSuggestions: [{ id: pv.suggestions![0]!.uuid! }],
          },
          {
            card: unsafe.uuid!,
            outcome: 'overridden',
            outcomeTimestamp: now.toISOString(),
            overrideReason: { reason: { system: reason.system, code: reason.code }, userComment: 'discussed' },
          },
          { card: randomUUID(), outcome: 'overridden', outcomeTimestamp: now.toISOString() },
        ],
        { issuer: 'https://ehr.example.org', subject: 'dr-contract' },
      );
      expect(result).toEqual({ stored: 3, duplicates: 0 });

      const report = await store.report({ from: new Date(now.getTime() - 7 * DAY), to: new Date(now.getTime() + DAY) });
      expect(report.totals).toEqual({ responses: 2, patients: 1, cards: 4, feedback: 3, unmatchedFeedback: 1 });
      expect(report.weekly).toEqual([
        {
          week: '2026-11-23',
          signed: 3,
          onPathway: 1,
          share: 0.333,
          byClassification: {
            'on-pathway': 1,
            'off-pathway': 1,
            unsafe: 1,
            'later-line-early': 0,
            'position-unknown': 0,
          },
        },
      ]);
      expect(report.offPathwayDrugs).toEqual([{ drug: 'imatinib', count: 1 }]);
      expect(report.overridesByReason).toEqual([
        { code: reason.code, display: reason.display, count: 1 },
        { code: null, display: 'No reason given', count: 1 },
      ]);
      expect(report.safetyRules).toEqual([
        { rule: 'S-OLARATUMAB', title: RULES['S-OLARATUMAB'].title, fired: 1, overridden: 1, rate: 1 },
      ]);
      expect(report.acceptance).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ node: 'M-1L-DOXO', withSuggestions: 1, accepted: 1, rate: 1 }),
          expect.objectContaining({ node: 'OFF-PATHWAY', withSuggestions: 1, accepted: 0, rate: 0 }),
        ]),
      );

      // Filters: a rule narrows every section to its cards; a service to its responses.
      const byRule = await store.report({
        from: new Date(now.getTime() - DAY),
        to: new Date(now.getTime() + DAY),
        topic: 'S-OLARATUMAB',
      });
      expect(byRule.totals.cards).toBe(1);
      expect(byRule.overridesByTopic).toEqual([
        { topic: 'S-OLARATUMAB', title: RULES['S-OLARATUMAB'].title, shown: 1, overridden: 1, rate: 1 },
      ]);
      expect(byRule.weekly[0]?.byClassification.unsafe).toBe(1);
      expect(byRule.weekly[0]?.signed).toBe(1);
      const pvOnly = await store.report({
        from: new Date(now.getTime() - DAY),
        to: new Date(now.getTime() + DAY),
        service: 'sts-pathway-patient-view',
      });
      expect(pvOnly.totals.responses).toBe(1);
      expect(pvOnly.weekly).toEqual([]);

      // Patient and user are pseudonyms: neither id (nor the FHIR server they are keyed with) is in any table.
      for (const t of await tables()) {
        for (const row of await db.query<{ row: string }>(`SELECT row_to_json(x)::text AS row FROM adherence.${t} x`)) {
          expect(row.row).not.toMatch(/pat-1|dr-contract|ehr\.example\.org/);
        }
      }
    });

    test('stores the same feedback posted twice once', async () => {
      const entry = { card: randomUUID(), outcome: 'overridden' as const, outcomeTimestamp: '2026-11-25T11:00:00Z' };
      expect(await store.recordFeedback('sts-pathway-order-sign', [entry, entry], {})).toEqual({
        stored: 1,
        duplicates: 1,
      });
      expect(await store.recordFeedback('sts-pathway-order-sign', [entry], {})).toEqual({ stored: 0, duplicates: 1 });
      const rows = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM adherence.feedback WHERE card_uuid = $1',
        [entry.card],
      );
      expect(rows[0]?.n).toBe(1);
    });

    test('a refused statement fails with its SQLSTATE and a failed transaction leaves nothing', async () => {
      // The card writer tells bad data (not retried) from an outage (retried) by the SQLSTATE (recorder.ts).
      await expect(db.query('SELECT 1 / 0')).rejects.toMatchObject({ code: '22012' });
      const entry = { card: randomUUID(), outcome: 'accepted' as const, outcomeTimestamp: '2026-11-25T11:00:00Z' };
      await expect(
        db.transaction(async (tx) => {
          await storeFeedback(tx, 'sts-pathway-order-sign', [entry], undefined, now);
          await tx.query('SELECT no_such_column FROM adherence.feedback');
        }),
      ).rejects.toMatchObject({ code: '42703' });
      expect(await db.query('SELECT 1 FROM adherence.feedback WHERE card_uuid = $1', [entry.card])).toEqual([]);
      // And the database answers as before.
      expect(await db.query('SELECT 2 AS n')).toEqual([{ n: 2 }]);
    });

    test('purges records older than the retention period', async () => {
      const before = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM adherence.hook_responses');
      expect(before[0]?.n).toBeGreaterThan(0);
      now = new Date(now.getTime() + (config.retentionDays + 1) * DAY);
      const purged = await store.purge();
      expect(purged.responses).toBe(before[0]?.n);
      expect(purged.feedback).toBeGreaterThan(0);
      for (const t of ['hook_responses', 'feedback', 'feedback_suggestions']) {
        expect(await db.query(`SELECT 1 FROM adherence.${t}`)).toEqual([]);
      }
    });
  });
}
