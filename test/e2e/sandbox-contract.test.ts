/**
 * Contract tests: the exact request shapes the public CDS Hooks sandbox sends from each tab
 * (test/helpers/sandbox-requests.ts), against the whole app over HTTP and the demo patients on a real FHIR server.
 */
import type { CodeableConcept, Condition } from 'fhir/r4.js';
import request from 'supertest';
import type { RunningFhirServer } from '../../src/embedded/index.js';
import type { CdsResponse } from '../../src/shared/cds-hooks.js';
import { testApp } from '../helpers/app.js';
import { responseProblems } from '../helpers/card-checks.js';
import { PRESCRIBABLES, SANDBOX_DRAFT_ID, sandboxDraft, sandboxRequest } from '../helpers/sandbox-requests.js';
import { FIXTURE_NOW, prefetchOf, startDemoFhir } from './patient-view-fixtures-run.js';
import { topics } from './order-helpers.js';

let fhir: RunningFhirServer;
const app = testApp({}, () => FIXTURE_NOW);

beforeAll(async () => {
  fhir = await startDemoFhir();
}, 60_000);

afterAll(async () => {
  await fhir.close();
});

async function post(
  hook: 'patient-view' | 'order-select' | 'order-sign',
  body: object,
): Promise<{ status: number; body: CdsResponse }> {
  const res = await request(app)
    .post(`/cds-services/sts-pathway-${hook}`)
    .set('content-type', 'application/json')
    .send(body);
  return { status: res.status, body: res.body as CdsResponse };
}

/** What the sandbox's "Treating" list offers for the patient: the code of its first Condition. */
async function treating(patientId: string): Promise<CodeableConcept> {
  const res = await fetch(`${fhir.url}/Condition?patient=${patientId}`);
  const bundle = (await res.json()) as { entry?: { resource: Condition }[] };
  const code = bundle.entry?.[0]?.resource.code;
  if (code === undefined) throw new Error(`no Condition for ${patientId}`);
  return code;
}

describe('the CDS Hooks sandbox, tab by tab', () => {
  test('Patient View: the cards, from the prefetch the sandbox read and from fhirServer alone', async () => {
    const patientId = 'sts-lms-1l';
    const withPrefetch = await post(
      'patient-view',
      sandboxRequest('patient-view', {
        patientId,
        fhirServer: fhir.url,
        prefetch: await prefetchOf(fhir.url, patientId),
      }),
    );
    const fetched = await post('patient-view', sandboxRequest('patient-view', { patientId, fhirServer: fhir.url }));
    expect(withPrefetch.status).toBe(200);
    expect(responseProblems(withPrefetch.body)).toEqual([]);
    expect(topics(withPrefetch.body).length).toBeGreaterThan(0);
    expect(topics(fetched.body)).toEqual(topics(withPrefetch.body));
  });

  test('Rx View: pazopanib for a synovial sarcoma at line 3 is on the pathway (category as one object, a Treating reason)', async () => {
    const patientId = 'sts-synovial-3l';
    const draft = sandboxDraft(patientId, PRESCRIBABLES.pazopanib, await treating(patientId));
    const res = await post(
      'order-select',
      sandboxRequest('order-select', { patientId, fhirServer: fhir.url, drafts: [draft] }),
    );
    expect(res.status).toBe(200);
    expect(responseProblems(res.body)).toEqual([]);
    const card = res.body.cards.find((c) => c.source.topic?.code === 'M-3L-PAZOPANIB');
    expect(card?.summary).toMatch(/^On the STS pathway: /);
  });

  test('Rx View: pazopanib for a dedifferentiated liposarcoma is unsafe: a critical card, no 400', async () => {
    const patientId = 'sts-lps-2l';
    const res = await post(
      'order-select',
      sandboxRequest('order-select', {
        patientId,
        fhirServer: fhir.url,
        drafts: [sandboxDraft(patientId, PRESCRIBABLES.pazopanib, await treating(patientId))],
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body.cards.find((c) => c.source.topic?.code === 'S-PAZO-ADIPOCYTIC')?.indicator).toBe('critical');
  });

  test('Rx View: imatinib for a leiomyosarcoma at line 1 is off the pathway, with replacements naming the sandbox draft', async () => {
    const patientId = 'sts-lms-1l';
    const res = await post(
      'order-select',
      sandboxRequest('order-select', {
        patientId,
        fhirServer: fhir.url,
        drafts: [sandboxDraft(patientId, PRESCRIBABLES.imatinib)],
      }),
    );
    expect(res.status).toBe(200);
    const card = res.body.cards.find((c) => c.source.topic?.code === 'OFF-PATHWAY');
    expect(card?.indicator).toBe('warning');
    const actions = (card?.suggestions ?? []).flatMap((s) => s.actions ?? []);
    expect(
      actions.some(
        (a) =>
          a.type === 'delete' && JSON.stringify(a.resourceId ?? '').includes(`MedicationRequest/${SANDBOX_DRAFT_ID}`),
      ),
    ).toBe(true);
  });

  test("Rx Sign: one draft, then several (the sandbox's shape, no selections)", async () => {
    const patientId = 'sts-lps-2l';
    const one = await post(
      'order-sign',
      sandboxRequest('order-sign', {
        patientId,
        fhirServer: fhir.url,
        drafts: [sandboxDraft(patientId, PRESCRIBABLES.pazopanib)],
      }),
    );
    expect(one.status).toBe(200);
    expect(topics(one.body)).toContain('S-PAZO-ADIPOCYTIC');
    const several = await post(
      'order-sign',
      sandboxRequest('order-sign', {
        patientId,
        fhirServer: fhir.url,
        drafts: [
          sandboxDraft(patientId, PRESCRIBABLES.pazopanib, await treating(patientId)),
          sandboxDraft(patientId, PRESCRIBABLES.sorafenib, undefined, 'request-124'),
        ],
      }),
    );
    expect(several.status).toBe(200);
    expect(responseProblems(several.body)).toEqual([]);
    expect(topics(several.body)).toContain('S-PAZO-ADIPOCYTIC');
  });

  test('a re-click with no drug drafted (nothing chosen, or the draft deleted by a suggestion): 200 and no order card', async () => {
    const patientId = 'sts-lms-1l';
    for (const hook of ['order-select', 'order-sign'] as const) {
      const res = await post(
        hook,
        sandboxRequest(hook, {
          patientId,
          fhirServer: fhir.url,
          drafts: [sandboxDraft(patientId, undefined, await treating(patientId))],
        }),
      );
      expect(res.status).toBe(200);
      expect(
        res.body.cards.filter((c) => c.source.topic?.code === 'OFF-PATHWAY' || /^On the STS pathway/.test(c.summary)),
      ).toEqual([]);
    }
  });

  test('no draftOrders at all: a 400 naming context.draftOrders (CDS Hooks requires it for the order hooks)', async () => {
    const res = await post(
      'order-sign',
      sandboxRequest('order-sign', { patientId: 'sts-lms-1l', fhirServer: fhir.url }),
    );
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('context.draftOrders');
  });
});
