/**
 * Adherence end to end (issue 17): the whole app over HTTP on the machine's real PostgreSQL, reached through a TCP
 * proxy the test controls. Cards the EHR got are recorded with their drafts' classification, feedback is stored
 * before its 200, the report and its CSV count them, the database going away and coming back loses nothing
 * acknowledged, and no table holds a patient id, name or token.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import express, { type Express } from 'express';
import request from 'supertest';
import pg from 'pg';
import type { Bundle, Patient } from 'fhir/r4.js';
import { createApp } from '../../src/app.js';
import { createLogger } from '../../src/log.js';
import { errorHandler } from '../../src/http/error-handler.js';
import { adherenceRouter, FEEDBACK_RETRY_AFTER_S } from '../../src/http/adherence.js';
import { openAdherenceStore, type AdherenceReport, type AdherenceStore } from '../../src/adherence/index.js';
import type { RecorderStats } from '../../src/adherence/recorder.js';
import type { RunningFhirServer } from '../../src/embedded/index.js';
import type { CdsResponse } from '../../src/shared/cds-hooks.js';
import { OVERRIDE_REASONS, RULES, type DrugKey } from '../../src/pathway/index.js';
import { testConfig } from '../helpers/app.js';
import { issueOf, outcomeOf } from '../helpers/responses.js';
import { createTestDatabase, viaPort, type TestDatabase } from '../helpers/postgres.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import {
  FIXTURE_NOW,
  demoPatients,
  patientViewBody,
  postPatientView,
  prefetchOf,
  startDemoFhir,
} from './patient-view-fixtures-run.js';
import { draftOf, postOrders } from './order-helpers.js';

const ADMIN = `admin-${randomUUID()}`;
const ACCESS_TOKEN = `fhir-token-${randomUUID()}`;
const clock = () => FIXTURE_NOW;
const reason = (code: string) => OVERRIDE_REASONS.find((r) => r.code === code)!;

let fhir: RunningFhirServer;
let database: TestDatabase;
let proxy: TcpProxy;
let store: AdherenceStore;
let app: Express;
let direct: pg.Client;

beforeAll(async () => {
  fhir = await startDemoFhir();
  database = await createTestDatabase('e2e');
  proxy = await startTcpProxy('127.0.0.1', Number(new URL(database.url).port || 5432));
  const config = testConfig({
    DATABASE_URL: viaPort(database.url, proxy.port),
    ADHERENCE_ADMIN_TOKEN: ADMIN,
    PSEUDONYM_KEY: randomUUID() + randomUUID(),
  });
  store = await openAdherenceStore(config.adherence, createLogger('silent'), { clock });
  app = createApp({ config, log: createLogger('silent'), clock, adherence: store });
  direct = new pg.Client({ connectionString: database.url });
  await direct.connect();
}, 120_000);

afterAll(async () => {
  await direct?.end();
  await store?.close();
  await proxy?.close();
  await database?.drop();
  await fhir?.close();
});

const sign = async (patientId: string, drugs: readonly DrugKey[]): Promise<CdsResponse> => {
  const res = await postOrders(app, {
    patientId,
    drafts: drugs.map((d) => draftOf(d, patientId)),
    prefetch: await prefetchOf(fhir.url, patientId),
  });
  expect(res.status).toBe(200);
  return res.body;
};
const view = async (patientId: string): Promise<CdsResponse> => {
  const res = await postPatientView(
    app,
    patientViewBody(patientId, { prefetch: await prefetchOf(fhir.url, patientId) }),
  );
  expect(res.status).toBe(200);
  return res.body;
};
const postFeedback = (service: string, feedback: object[]) =>
  request(app).post(`/cds-services/${service}/feedback`).send({ feedback });
const report = (query = '') => request(app).get(`/adherence${query}`).set('authorization', `Bearer ${ADMIN}`);
/** GET /adherence's JSON: the report and the recorder's counters. */
const reportOf = (res: { body: unknown }) => res.body as AdherenceReport & { recorder: RecorderStats };
/** GET /ready, asked again (up to 10 s) until `until` holds of its body. */
const readyWhile = async (until: (body: { reasons?: string[] }) => boolean) => {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const res = await request(app).get('/ready');
    if (until(res.body as { reasons?: string[] }) || Date.now() > deadline) return res;
    await new Promise((r) => setTimeout(r, 100));
  }
};
const byTopic = (body: CdsResponse, topic: string) => body.cards.find((c) => c.source.topic?.code === topic)!;

describe('adherence', () => {
  test('the report counts the signed drugs by classification, overrides by reason and accepted suggestions', async () => {
    const onPathway = await sign('sts-lms-1l', ['doxorubicin', 'trabectedin']);
    const off = await sign('sts-lms-1l', ['imatinib']);
    const unsafe = await sign('sts-lms-1l', ['olaratumab']);
    await sign('sts-lps-2l', ['eribulin']);
    await sign('sts-missing-histology', ['doxorubicin']);
    const pv = await view('sts-lms-1l');
    expect(await store.flush(10_000)).toBe(true);

    const overridden = byTopic(off, 'OFF-PATHWAY');
    const olaratumab = byTopic(unsafe, 'S-OLARATUMAB');
    const regimen = pv.cards.find((c) => (c.suggestions ?? []).length > 0)!;
    const at = FIXTURE_NOW.toISOString();
    await postFeedback('sts-pathway-order-sign', [
      {
        card: overridden.uuid,
        outcome: 'overridden',
        outcomeTimestamp: at,
        overrideReason: { reason: reason('tumor-board'), userComment: 'MDT 2026-11-20' },
      },
      {
        card: olaratumab.uuid,
        outcome: 'overridden',
        outcomeTimestamp: at,
        overrideReason: { reason: reason('clinical-trial') },
      },
    ]).expect(200, {});
    await postFeedback('sts-pathway-patient-view', [
      {
        card: regimen.uuid,
        outcome: 'accepted',
        outcomeTimestamp: at,
        acceptedSuggestions: [{ id: regimen.suggestions![0]!.uuid }],
      },
    ]).expect(200, {});

    const body = reportOf(await report().expect(200));
    expect(body.weekly).toEqual([
      {
        week: '2026-11-23',
        signed: 6,
        onPathway: 2,
        share: 0.333,
        byClassification: {
          'on-pathway': 2,
          'off-pathway': 1,
          unsafe: 1,
          'later-line-early': 1,
          'position-unknown': 1,
        },
      },
    ]);
    expect(body.offPathwayDrugs).toEqual([{ drug: 'imatinib', count: 1 }]);
    expect(body.overridesByReason).toEqual([
      { code: 'clinical-trial', display: reason('clinical-trial').display, count: 1 },
      { code: 'tumor-board', display: reason('tumor-board').display, count: 1 },
    ]);
    expect(body.safetyRules).toContainEqual({
      rule: 'S-OLARATUMAB',
      title: RULES['S-OLARATUMAB'].title,
      fired: 1,
      overridden: 1,
      rate: 1,
    });
    expect(body.acceptance).toContainEqual(
      expect.objectContaining({ node: regimen.source.topic?.code, withSuggestions: 1, accepted: 1, rate: 1 }),
    );
    expect(body.totals).toMatchObject({ responses: 6, patients: 3, unmatchedFeedback: 0, feedback: 3 });
    expect(body.totals.cards).toBe([onPathway, off, unsafe, pv].reduce((n, r) => n + r.cards.length, 0) + 2);
    expect(body.recorder).toMatchObject({ dropped: 0, queued: 0 });
  });

  test('feedback for a card never issued is stored and counted as unmatched; the same feedback twice is stored once', async () => {
    const entry = { card: randomUUID(), outcome: 'overridden', outcomeTimestamp: FIXTURE_NOW.toISOString() };
    await postFeedback('sts-pathway-order-sign', [entry]).expect(200);
    await postFeedback('sts-pathway-order-sign', [entry]).expect(200);
    const rows = await direct.query('SELECT 1 FROM adherence.feedback WHERE card_uuid = $1', [entry.card]);
    expect(rows.rowCount).toBe(1);
    expect(reportOf(await report().expect(200)).totals.unmatchedFeedback).toBe(1);
  });

  test('the report needs the admin token, filters by node, rule and service, and comes as CSV', async () => {
    const none = await request(app).get('/adherence').expect(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(outcomeOf(none).resourceType).toBe('OperationOutcome');
    await request(app).get('/adherence').set('authorization', 'Bearer not-the-token').expect(403);
    await request(app).get('/adherence.csv').expect(401);

    const rule = reportOf(await report('?rule=S-OLARATUMAB').expect(200));
    expect(rule.topic).toBe('S-OLARATUMAB');
    expect(rule.weekly[0]).toMatchObject({ signed: 1, onPathway: 0 });
    const pvOnly = reportOf(await report('?service=sts-pathway-patient-view').expect(200));
    expect(pvOnly.weekly).toEqual([]);
    expect(pvOnly.totals.responses).toBe(1);
    const earlier = reportOf(await report('?from=2025-01-01&to=2025-12-31').expect(200));
    expect(earlier.totals.responses).toBe(0);
    expect(issueOf(await report('?node=NOT-A-NODE').expect(400))?.expression).toEqual(['node']);
    await report('?from=yesterday').expect(400);

    const csv = await request(app).get('/adherence.csv').set('authorization', `Bearer ${ADMIN}`).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('section,key,label,count,total,rate');
    expect(lines).toContain('weekly-on-pathway,2026-11-23,signed anticancer drugs on the pathway,2,6,0.333');
    expect(lines).toContain('off-pathway-drugs,imatinib,imatinib,1,,');
  });

  test('in production the report is refused without a configured admin token', async () => {
    const prod = express()
      .use(adherenceRouter({ store, mode: 'production', adminToken: undefined, clock }))
      .use(errorHandler(createLogger('silent')));
    const res = await request(prod).get('/adherence').expect(403);
    expect(issueOf(res)?.diagnostics).toMatch(/ADHERENCE_ADMIN_TOKEN/);
  });

  test('while the database is away hooks keep answering, feedback gets 503 + Retry-After, and nothing acknowledged is lost', async () => {
    const patients = ['sts-lms-1l', 'sts-lps-2l', 'sts-m1-only', 'sts-doxo-320'];
    const shown: string[] = [];
    const acknowledged: string[] = [];
    let refused = 0;
    for (let i = 0; i < 12; i++) {
      if (i === 3) await proxy.cut();
      if (i === 9) {
        // Still ready (hooks answer), with the reason listed for whoever looks.
        const ready = await readyWhile((body) => body.reasons !== undefined);
        expect(ready.status).toBe(200);
        expect((ready.body as { reasons?: string[] }).reasons).toEqual([
          expect.stringMatching(
            /^adherence database unreachable: \d+ card records wait to be written; feedback answered 503$/,
          ),
        ]);
        await proxy.restore();
      }
      const body = await view(patients[i % patients.length]!);
      expect(body.cards.length).toBeGreaterThan(0);
      const card = body.cards[0]!;
      shown.push(...body.cards.map((c) => c.uuid!));
      const res = await postFeedback('sts-pathway-patient-view', [
        {
          card: card.uuid,
          outcome: 'overridden',
          outcomeTimestamp: new Date(FIXTURE_NOW.getTime() + i * 1000).toISOString(),
        },
      ]);
      if (res.status === 200) acknowledged.push(card.uuid!);
      else {
        expect(res.status).toBe(503);
        expect(res.headers['retry-after']).toBe(String(FEEDBACK_RETRY_AFTER_S));
        expect(outcomeOf(res).resourceType).toBe('OperationOutcome');
        refused += 1;
      }
    }
    expect(refused).toBeGreaterThanOrEqual(5);
    expect(acknowledged.length).toBeGreaterThanOrEqual(4);
    expect(await store.flush(20_000)).toBe(true);
    const cards = await direct.query<{ uuid: string }>(
      `SELECT DISTINCT c->>'uuid' AS uuid FROM adherence.hook_responses, jsonb_array_elements(cards) AS c
       WHERE c->>'uuid' = ANY($1)`,
      [shown],
    );
    expect(cards.rowCount).toBe(shown.length);
    const stored = await direct.query<{ card_uuid: string }>(
      'SELECT card_uuid FROM adherence.feedback WHERE card_uuid = ANY($1)',
      [acknowledged],
    );
    expect(stored.rows.map((r) => r.card_uuid).sort()).toEqual([...acknowledged].sort());
    expect(store.stats().dropped).toBe(0);
    expect((await request(app).get('/ready').expect(200)).body).toEqual({ status: 'ready' });
  }, 90_000);

  test('a full queue drops card records (counted) without failing the hook', async () => {
    const small = await openAdherenceStore(
      testConfig({
        DATABASE_URL: viaPort(database.url, proxy.port),
        ADHERENCE_QUEUE_SIZE: '2',
        PSEUDONYM_KEY: 'p'.repeat(40),
      }).adherence,
      createLogger('silent'),
      { clock },
    );
    const smallApp = createApp({ config: testConfig(), log: createLogger('silent'), clock, adherence: small });
    await proxy.cut();
    try {
      for (let i = 0; i < 5; i++) {
        const res = await postPatientView(
          smallApp,
          patientViewBody('sts-m1-only', { prefetch: await prefetchOf(fhir.url, 'sts-m1-only') }),
        );
        expect(res.status).toBe(200);
      }
      expect(small.stats()).toMatchObject({ dropped: 3, queued: 2 });
    } finally {
      await proxy.restore();
    }
    expect(await small.flush(20_000)).toBe(true);
    expect(small.stats()).toMatchObject({ dropped: 3, queued: 0, written: 2 });
    await small.close();
  }, 60_000);

  test('after every demo patient through every hook, no table holds a patient id, name, user id or token', async () => {
    const index = demoPatients();
    for (const p of index) {
      await view(p.patientId);
      // Without prefetch: the service reads the FHIR server with the EHR's bearer token.
      const res = await postPatientView(app, {
        ...patientViewBody(p.patientId, { fhirServer: fhir.url }),
        fhirAuthorization: {
          access_token: ACCESS_TOKEN,
          token_type: 'Bearer',
          expires_in: 300,
          scope: 'patient/*.read',
          subject: 'cds',
        },
      });
      expect(res.status).toBe(200);
      for (const o of p.orders) await sign(p.patientId, o.drugs);
    }
    expect(await store.flush(20_000)).toBe(true);
    const names = index.flatMap((p) => {
      const bundle = JSON.parse(readFileSync(new URL(`../../demo/${p.file}`, import.meta.url), 'utf8')) as Bundle;
      const patient = bundle.entry?.map((e) => e.resource).find((r): r is Patient => r?.resourceType === 'Patient');
      return (patient?.name ?? []).flatMap((n) => [n.family ?? '', ...(n.given ?? [])]).filter((s) => s.length > 2);
    });
    expect(names.length).toBeGreaterThan(10);
    const secrets = [...index.map((p) => p.patientId), ...names, ACCESS_TOKEN, 'Practitioner/demo', 'Patient/'];
    const tables = await direct.query<{ t: string }>(
      `SELECT table_schema || '.' || table_name AS t FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')`,
    );
    expect(tables.rowCount).toBeGreaterThanOrEqual(4);
    let rows = 0;
    for (const { t } of tables.rows) {
      const all = await direct.query<{ row: string }>(`SELECT row_to_json(x)::text AS row FROM ${t} x`);
      rows += all.rowCount ?? 0;
      for (const { row } of all.rows) {
        const lower = row.toLowerCase();
        for (const s of secrets)
          if (lower.includes(s.toLowerCase())) throw new Error(`${t} holds '${s}': ${row.slice(0, 200)}`);
      }
    }
    expect(rows).toBeGreaterThan(index.length * 3);
  }, 300_000);
});
