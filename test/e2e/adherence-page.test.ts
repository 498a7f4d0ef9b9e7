/**
 * The adherence view in a real headless Chromium: eight weeks of demo hooks and feedback recorded in the machine's
 * PostgreSQL, the view asks for the admin token, then draws every chart of the report (screenshots in test/artifacts/).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { createApp } from '../../src/app.js';
import { createLogger } from '../../src/log.js';
import { openAdherenceStore, type AdherenceStore } from '../../src/adherence/index.js';
import type { RunningFhirServer } from '../../src/embedded/index.js';
import type { CdsResponse } from '../../src/shared/cds-hooks.js';
import { OVERRIDE_REASONS } from '../../src/pathway/index.js';
import { testConfig } from '../helpers/app.js';
import { browserSuiteEnabled, launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import {
  FIXTURE_NOW,
  demoPatients,
  patientViewBody,
  postPatientView,
  prefetchOf,
  startDemoFhir,
} from './patient-view-fixtures-run.js';
import { draftOf, postOrders } from './order-helpers.js';

jest.setTimeout(120_000);

const ARTIFACTS = new URL('../artifacts/', import.meta.url).pathname;
const ADMIN = `admin-${randomUUID()}`;
const WEEK = 7 * 86_400_000;
const WEEKS = 8;

const suite = browserSuiteEnabled('adherence view browser tests') ? describe : describe.skip;

suite('adherence view (browser)', () => {
  let fhir: RunningFhirServer;
  let database: TestDatabase;
  let store: AdherenceStore;
  let app: Express;
  let server: http.Server;
  let origin: string;
  let browser: TestBrowser;
  let page: Page;
  // The first load is refused (401: no token yet); the browser logs that, and nothing else may go wrong.
  const unexpectedErrors = () => browser.errors.filter((e) => !/status of 401/.test(e));
  // Records are dated by the store's clock: week by week, while the hooks evaluate on the demo's day.
  let recordedAt = new Date(FIXTURE_NOW.getTime() - (WEEKS - 1) * WEEK);

  const feedback = async (service: string, card: CdsResponse['cards'][number], i: number) => {
    const outcomeTimestamp = recordedAt.toISOString();
    const suggestion = card.suggestions?.[0]?.uuid;
    const entry =
      card.overrideReasons || !suggestion || i % 3 === 0
        ? {
            card: card.uuid,
            outcome: 'overridden',
            outcomeTimestamp,
            ...(card.overrideReasons
              ? { overrideReason: { reason: OVERRIDE_REASONS[i % OVERRIDE_REASONS.length] } }
              : {}),
          }
        : { card: card.uuid, outcome: 'accepted', outcomeTimestamp, acceptedSuggestions: [{ id: suggestion }] };
    await request(app)
      .post(`/cds-services/${service}/feedback`)
      .send({ feedback: [entry] })
      .expect(200);
  };

  beforeAll(async () => {
    fhir = await startDemoFhir();
    database = await createTestDatabase('view');
    const config = testConfig({
      DATABASE_URL: database.url,
      ADHERENCE_ADMIN_TOKEN: ADMIN,
      PSEUDONYM_KEY: randomUUID() + randomUUID(),
    });
    store = await openAdherenceStore(config.adherence, createLogger('silent'), { clock: () => recordedAt });
    app = createApp({ config, log: createLogger('silent'), clock: () => FIXTURE_NOW, adherence: store });
    const index = demoPatients();
    const orders = index.flatMap((p) => p.orders.map((o) => ({ patientId: p.patientId, drugs: o.drugs })));
    let i = 0;
    for (let w = 0; w < WEEKS; w++) {
      recordedAt = new Date(FIXTURE_NOW.getTime() - (WEEKS - 1 - w) * WEEK);
      for (const p of index.slice((w * 5) % index.length, ((w * 5) % index.length) + 5)) {
        const res = await postPatientView(
          app,
          patientViewBody(p.patientId, { prefetch: await prefetchOf(fhir.url, p.patientId) }),
        );
        expect(res.status).toBe(200);
        for (const card of res.body.cards)
          if ((i += 1) % 2 === 0 && card.suggestions) await feedback('sts-pathway-patient-view', card, i);
      }
      // More orders each week, later weeks closer to the pathway: a programme's report after a few months.
      for (let k = 0; k < 4 + w; k++) {
        const o = orders[(w * 7 + k * 3) % orders.length]!;
        const res = await postOrders(app, {
          patientId: o.patientId,
          drafts: o.drugs.map((d) => draftOf(d, o.patientId)),
          prefetch: await prefetchOf(fhir.url, o.patientId),
        });
        expect(res.status).toBe(200);
        for (const card of res.body.cards)
          if (card.overrideReasons && (i += 1) % 3 !== 0) await feedback('sts-pathway-order-sign', card, i);
      }
    }
    expect(await store.flush(20_000)).toBe(true);
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchBrowser();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await store?.close();
    await database?.drop();
    await fhir?.close();
  });

  test('asks for the admin token, then draws every section of the report', async () => {
    page = await browser.newPage({ width: 1280, height: 900 });
    await page.goto(`${origin}/adherence/view`);
    await page.getByText('The report needs the admin token').waitFor();
    await page.getByLabel('Admin token (ADHERENCE_ADMIN_TOKEN)').fill(ADMIN);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByText(/^Period /).waitFor();
    // One canvas per chart, each drawn (Chart.js sizes it to its box).
    const drawn = await page
      .locator('canvas')
      .evaluateAll((cs) =>
        cs.map((c) => (c as HTMLCanvasElement).width > 0 && (c as HTMLCanvasElement).closest('.empty-chart') === null),
      );
    expect(drawn).toEqual([true, true, true, true, true, true]);
    const tiles = await page.locator('.tile').allInnerTexts();
    expect(tiles.join(' ')).toMatch(/Signed anticancer drugs/);
    expect(await page.locator('#weekly-table tbody tr').count()).toBe(WEEKS);
    await page.screenshot({ path: `${ARTIFACTS}adherence-view.png`, fullPage: true });
    expect(unexpectedErrors()).toEqual([]);
  });

  test('filters by a safety rule (the token kept for the tab)', async () => {
    await page.reload();
    await page.getByText(/^Period /).waitFor();
    await page.getByLabel('Node or rule', { exact: true }).selectOption('rule:S-OLARATUMAB');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByText(/S-OLARATUMAB\.$/).waitFor();
    const rules = await page.locator('#rules-table tbody tr td:first-child').allTextContents();
    expect(rules).toEqual(['S-OLARATUMAB']);
    await page.screenshot({ path: `${ARTIFACTS}adherence-view-rule.png`, fullPage: true });
    expect(unexpectedErrors()).toEqual([]);
  });
});
