/**
 * The CDS Hooks sandbox's loop in a real headless Chromium, without the sandbox: a page on another origin (as the
 * sandbox is) sends the sandbox's exact requests (test/helpers/sandbox-requests.ts) with the browser's fetch, so CORS
 * preflights, exposed headers and every hook answer are what a browser client gets. Patient View; Rx View with a
 * pathway drug (on the pathway / unsafe) and an off-pathway drug; feedback as the sandbox posts it (accept, dismiss,
 * override with a reason).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Page } from 'playwright-core';
import { jest } from '@jest/globals';
import { createApp } from '../../src/app.js';
import { createFhirRouter, loadDemoPatients } from '../../src/embedded/index.js';
import { createLogger } from '../../src/log.js';
import { testConfig } from '../helpers/app.js';
import { browserSuiteEnabled, launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { PRESCRIBABLES, sandboxDraft, sandboxRequest, type Prescribable } from '../helpers/sandbox-requests.js';

jest.setTimeout(90_000);
const NOW = new Date('2026-11-23T12:00:00Z');

interface SuggestedAction {
  readonly type: string;
  readonly description?: string;
  readonly resourceId?: unknown;
  readonly resource?: { medicationCodeableConcept?: { text?: string; coding?: { code?: string }[] } };
}
interface Suggestion {
  readonly uuid?: string;
  readonly label: string;
  readonly actions?: SuggestedAction[];
}

/**
 * What the sandbox's Rx View does with a taken suggestion (its medication reducer, read in its source): it walks the
 * actions in order and stops at the first that changes the screen: a `create`/`update` whose medication has a text and
 * a first coding with a code becomes the drafted prescribable; a `delete` clears the drafted medication. A create
 * without text or code is skipped with a console warning. So only the first effective action counts.
 */
function takeLikeTheSandbox(
  suggestion: Suggestion,
): { outcome: 'drafted'; prescribable: Prescribable } | { outcome: 'cleared' } | { outcome: 'unchanged' } {
  for (const action of suggestion.actions ?? []) {
    if (action.type === 'create' || action.type === 'update') {
      const med = action.resource?.medicationCodeableConcept;
      const code = med?.coding?.[0]?.code;
      if (med?.text !== undefined && code !== undefined)
        return { outcome: 'drafted', prescribable: { code, name: med.text } };
    } else if (action.type === 'delete') {
      return { outcome: 'cleared' };
    }
  }
  return { outcome: 'unchanged' };
}

interface Answer {
  readonly status: number;
  readonly body: {
    cards?: {
      uuid?: string;
      summary: string;
      indicator: string;
      source: { topic?: { code?: string } };
      overrideReasons?: { code: string; system?: string }[];
      suggestions?: Suggestion[];
    }[];
  };
  readonly exposed: string | null;
}

const listen = async (handler: http.RequestListener): Promise<{ server: http.Server; origin: string }> => {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
};

const suite = browserSuiteEnabled('CDS Hooks sandbox loop browser tests') ? describe : describe.skip;

suite('the CDS Hooks sandbox loop (browser, cross-origin)', () => {
  let service: { server: http.Server; origin: string };
  let client: { server: http.Server; origin: string };
  let browser: TestBrowser;
  let page: Page;
  let preflights = 0;
  const feedback: { status: number; body: unknown }[] = [];

  beforeAll(async () => {
    const fhir = await createFhirRouter();
    expect((await loadDemoPatients(fhir)).failures).toEqual([]);
    const app = createApp({
      config: testConfig(),
      log: createLogger('silent'),
      clock: () => NOW,
      fhirRouter: fhir.router,
    });
    const outer = express();
    outer.use((req, res, next) => {
      if (req.method === 'OPTIONS') preflights++;
      if (req.method === 'POST' && req.path.endsWith('/feedback')) {
        const seen = { status: 0, body: undefined as unknown };
        feedback.push(seen);
        express.json()(req, res, () => {
          seen.body = req.body;
          res.on('finish', () => {
            seen.status = res.statusCode;
          });
          next();
        });
        return;
      }
      next();
    });
    outer.use(app);
    service = await listen(outer);
    // The "EHR": an empty page on its own origin.
    client = await listen((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>EHR</title>'),
    );
    browser = await launchBrowser();
    page = await browser.newPage();
    await page.goto(`${client.origin}/`);
  });

  afterAll(async () => {
    await browser?.close();
    for (const s of [service, client]) {
      s?.server.closeAllConnections();
      await new Promise((resolve) => s?.server.close(resolve));
    }
  });

  /** POSTs (or GETs) from the page with the browser's fetch, as the sandbox's axios does. */
  const call = (path: string, body?: unknown): Promise<Answer> =>
    page.evaluate(
      async ({ url, data }) => {
        const res = await fetch(
          url,
          data === undefined
            ? {}
            : {
                method: 'POST',
                headers: { 'content-type': 'application/json', accept: 'application/json' },
                body: JSON.stringify(data),
              },
        );
        const text = await res.text();
        return {
          status: res.status,
          body: text === '' ? {} : (JSON.parse(text) as Answer['body']),
          exposed: res.headers.get('www-authenticate'),
        };
      },
      { url: `${service.origin}${path}`, data: body },
    );

  const fhirServer = (): string => `${service.origin}/fhir`;
  const topicsOf = (a: Answer): string[] => (a.body.cards ?? []).map((c) => c.source.topic?.code ?? '');

  test('discovery entered with a trailing slash, then Patient View through it', async () => {
    const discovery = await call('/cds-services/');
    expect(discovery.status).toBe(200);
    const res = await call(
      '/cds-services//sts-pathway-patient-view',
      sandboxRequest('patient-view', { patientId: 'sts-lms-1l', fhirServer: fhirServer() }),
    );
    expect(res.status).toBe(200);
    expect(topicsOf(res).length).toBeGreaterThan(0);
  });

  test('Rx View: pazopanib on the pathway for a synovial sarcoma at line 3, critical for a liposarcoma; imatinib off the pathway', async () => {
    const select = (patientId: string, drug: keyof typeof PRESCRIBABLES) =>
      call(
        '/cds-services/sts-pathway-order-select',
        sandboxRequest('order-select', {
          patientId,
          fhirServer: fhirServer(),
          drafts: [sandboxDraft(patientId, PRESCRIBABLES[drug])],
        }),
      );
    const on = await select('sts-synovial-3l', 'pazopanib');
    expect(on.status).toBe(200);
    expect(on.body.cards?.find((c) => c.source.topic?.code === 'M-3L-PAZOPANIB')?.summary).toMatch(
      /^On the STS pathway/,
    );
    const unsafe = await select('sts-lps-2l', 'pazopanib');
    expect(unsafe.body.cards?.find((c) => c.source.topic?.code === 'S-PAZO-ADIPOCYTIC')?.indicator).toBe('critical');
    const off = await select('sts-lms-1l', 'imatinib');
    const card = off.body.cards?.find((c) => c.source.topic?.code === 'OFF-PATHWAY');
    expect(card?.indicator).toBe('warning');
    expect(card?.suggestions?.length).toBeGreaterThan(0);
  });

  test('Rx Sign: the sandbox draft on sign', async () => {
    const res = await call(
      '/cds-services/sts-pathway-order-sign',
      sandboxRequest('order-sign', {
        patientId: 'sts-lps-2l',
        fhirServer: fhirServer(),
        drafts: [sandboxDraft('sts-lps-2l', PRESCRIBABLES.pazopanib)],
      }),
    );
    expect(res.status).toBe(200);
    expect(topicsOf(res)).toContain('S-PAZO-ADIPOCYTIC');
  });

  test('feedback as the sandbox posts it: accepted, dismissed (no reason) and overridden with a reason all get 200', async () => {
    const off = await call(
      '/cds-services/sts-pathway-order-select',
      sandboxRequest('order-select', {
        patientId: 'sts-lms-1l',
        fhirServer: fhirServer(),
        drafts: [sandboxDraft('sts-lms-1l', PRESCRIBABLES.imatinib)],
      }),
    );
    const card = off.body.cards?.find((c) => c.source.topic?.code === 'OFF-PATHWAY');
    const reason = card?.overrideReasons?.[0];
    const suggestion = card?.suggestions?.[0];
    if (card?.uuid === undefined || reason === undefined || suggestion?.uuid === undefined)
      throw new Error('no OFF-PATHWAY card with a reason and a suggestion');
    const at = new Date().toISOString();
    const sent = [
      { card: card.uuid, outcome: 'accepted', acceptedSuggestions: [{ id: suggestion.uuid }], outcomeTimestamp: at },
      { card: card.uuid, outcome: 'overridden', outcomeTimestamp: at },
      {
        card: card.uuid,
        outcome: 'overridden',
        outcomeTimestamp: at,
        overrideReason: { reason: { code: reason.code, system: reason.system } },
      },
    ];
    const before = feedback.length;
    for (const f of sent)
      expect((await call('/cds-services/sts-pathway-order-select/feedback', { feedback: [f] })).status).toBe(200);
    expect(feedback.slice(before).map((f) => f.status)).toEqual([200, 200, 200]);
    expect(feedback.at(-1)?.body).toMatchObject({ feedback: [{ overrideReason: { reason: { code: reason.code } } }] });
  });

  test('the browser caches the preflight (Access-Control-Max-Age): one per endpoint, not one per call', async () => {
    // Chromium keeps a preflight 5 s when the answer has no Max-Age: wait past that, then call again.
    await call(
      '/cds-services/sts-pathway-order-sign',
      sandboxRequest('order-sign', { patientId: 'sts-lms-1l', fhirServer: fhirServer(), drafts: [] }),
    );
    await page.waitForTimeout(5_500);
    const before = preflights;
    for (let i = 0; i < 3; i++) {
      await call(
        '/cds-services/sts-pathway-order-sign',
        sandboxRequest('order-sign', {
          patientId: 'sts-lms-1l',
          fhirServer: fhirServer(),
          drafts: [sandboxDraft('sts-lms-1l', PRESCRIBABLES.imatinib)],
        }),
      );
    }
    expect(preflights - before).toBe(0);
  });

  test('"Replace with" as the sandbox applies it: the on-pathway drug is drafted (not just the draft deleted), and the next Rx View says it is on the pathway', async () => {
    const select = (patientId: string, drug: Prescribable) =>
      call(
        '/cds-services/sts-pathway-order-select',
        sandboxRequest('order-select', {
          patientId,
          fhirServer: fhirServer(),
          drafts: [sandboxDraft(patientId, drug)],
        }),
      );
    for (const [patientId, expectedTopics] of [
      ['sts-lms-1l', ['M-LMS-1L-DOXO-TRAB', 'M-1L-DOXO']],
      ['sts-synovial-3l', ['M-3L-PAZOPANIB']],
    ] as const) {
      const off = await select(patientId, PRESCRIBABLES.imatinib);
      const card = off.body.cards?.find((c) => c.source.topic?.code === 'OFF-PATHWAY');
      const replacements = (card?.suggestions ?? []).filter((s) => (s.actions ?? []).some((a) => a.type === 'delete'));
      expect(replacements.length).toBeGreaterThan(0);
      // Every replacement that the sandbox can apply drafts a drug; none only deletes the draft.
      const taken = replacements.map(takeLikeTheSandbox);
      expect(taken.filter((t) => t.outcome === 'cleared')).toEqual([]);
      const drafted = taken.flatMap((t) => (t.outcome === 'drafted' ? [t.prescribable] : []));
      expect(drafted.length).toBeGreaterThan(0);
      for (const drug of drafted) {
        const next = await select(patientId, drug);
        expect(next.status).toBe(200);
        const on = next.body.cards?.find((c) => /^On the STS pathway/.test(c.summary));
        expect(on?.source.topic?.code).toBeDefined();
        expect(expectedTopics).toContain(on?.source.topic?.code);
        expect(next.body.cards?.map((c) => c.source.topic?.code)).not.toContain('OFF-PATHWAY');
      }
    }
  });

  test('logs no browser errors', () => {
    expect(browser.errors).toEqual([]);
  });
});
