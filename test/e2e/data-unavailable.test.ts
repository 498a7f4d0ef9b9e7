/**
 * PATHWAY.md §2 "Unreadable data", black-box over HTTP: a resource type the EHR could not read (an OperationOutcome in
 * its prefetch key, a fhirServer query that fails too, a malformed resource) makes the facts built on it unavailable,
 * and the cards say so. A Condition that could not be read is the one D-DATA-UNAVAILABLE card; a 412 only where §2 rule 4
 * says (the Condition key not sent, and fhirServer failed).
 */
import type { FhirResource, MedicationRequest } from 'fhir/r4.js';
import request from 'supertest';
import type { Card, CdsResponse } from '../../src/shared/cds-hooks.js';
import { testApp } from '../helpers/app.js';
import { responseProblems } from '../helpers/card-checks.js';
import {
  startFaultyFhirServer,
  startTestFhirServer,
  type FaultyFhirServer,
  type TestFhirServer,
} from '../helpers/fhir-server.js';
import { CODES, McodePatient } from '../fixtures/mcode/resources.js';
import { NOW, ago, cardOf, draft, expectCardMechanics, fact, prefetchOf, topics } from '../fixtures/mcode/http.js';
import { issueOf } from '../helpers/responses.js';

const app = testApp({ FHIR_TIMEOUT_MS: '500', REQUEST_DEADLINE_MS: '2000' }, () => NOW);

/** What an EHR puts in a prefetch key whose read failed. */
const failedRead = (what: string) => ({
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code: 'exception', diagnostics: `${what} read failed upstream` }],
});

let fhir: TestFhirServer;
let conditionsFail: FaultyFhirServer;
beforeAll(async () => {
  fhir = await startTestFhirServer();
  // A server that answers every query but the Condition search with HTTP 500.
  conditionsFail = await startFaultyFhirServer(
    { kind: 'status', status: 500 },
    { upstream: fhir.url, affects: /Condition/ },
  );
}, 60_000);
afterAll(async () => {
  await conditionsFail.close();
  await fhir.close();
});

interface Sent {
  readonly hook?: 'patient-view' | 'order-sign';
  /** Prefetch keys replaced (e.g. `{ conditions: failedRead('Condition') }`); `undefined` deletes the key. */
  readonly prefetch?: Readonly<Record<string, unknown>>;
  readonly fhirServer?: string;
  readonly drafts?: readonly MedicationRequest[];
}

/** A hook call with the scenario's full prefetch, some keys replaced; 200 and the §1 card mechanics are checked. */
async function call(resources: readonly FhirResource[], sent: Sent = {}): Promise<CdsResponse> {
  const patientId = resources.find((r) => r.resourceType === 'Patient')?.id ?? '';
  const hook = sent.hook ?? 'patient-view';
  const prefetch: Record<string, unknown> = { ...prefetchOf(resources) };
  for (const [key, value] of Object.entries(sent.prefetch ?? {})) {
    if (value === undefined) delete prefetch[key];
    else prefetch[key] = value;
  }
  const res = await request(app)
    .post(`/cds-services/sts-pathway-${hook}`)
    .set('content-type', 'application/json')
    .send({
      hook,
      hookInstance: 'd5d5d5d5-0000-4000-8000-00000000d5d5',
      ...(sent.fhirServer ? { fhirServer: sent.fhirServer } : {}),
      context: {
        userId: 'Practitioner/reviewer',
        patientId,
        ...(sent.drafts
          ? {
              draftOrders: {
                resourceType: 'Bundle',
                type: 'collection',
                entry: sent.drafts.map((resource) => ({ resource })),
              },
            }
          : {}),
      },
      prefetch,
    });
  expect(res.status).toBe(200);
  const body = res.body as CdsResponse;
  expect(responseProblems(body)).toEqual([]);
  for (const card of body.cards) expectCardMechanics(card, patientId, hook !== 'patient-view');
  return body;
}

/** A metastatic LMS of the thigh (metastasis Condition), with ECOG, LVEF and grade Observations. */
function metastaticLms(id: string): FhirResource[] {
  const p = new McodePatient(id);
  return [
    p.patient('1962-12-12'),
    p.primary({ id: `${id}-dx`, icd10: CODES.thighIcd, extensionMorphology: CODES.lms, onset: ago(800) }),
    p.secondary({ id: `${id}-met`, primaryId: `${id}-dx`, onset: ago(300) }),
    p.ecogInteger(`${id}-ecog`, ago(10), 1),
    p.lvef(`${id}-lvef`, ago(10), 60),
    p.grade(`${id}-g`, ago(700), CODES.grade3),
  ];
}

/** A localized UPS of the thigh (cM0), grade 3. */
function localizedUps(id: string, birthDate = '1960-01-01'): FhirResource[] {
  const p = new McodePatient(id);
  return [
    p.patient(birthDate),
    p.primary({ id: `${id}-dx`, icd10: CODES.thighIcd, extensionMorphology: CODES.ups, onset: ago(40) }),
    p.mCategory(`${id}-m`, ago(30), CODES.cM0),
    p.grade(`${id}-g`, ago(35), CODES.grade3),
  ];
}

const noSuggestions = (card: Card): void => expect(card.suggestions ?? []).toEqual([]);

describe('Conditions unreadable: one D-DATA-UNAVAILABLE card naming what failed (§2, §3 step 1)', () => {
  test('the conditions key holds an OperationOutcome and there is no fhirServer', async () => {
    const body = await call(metastaticLms('du-c-oo'), { prefetch: { conditions: failedRead('Condition') } });
    expect(topics(body)).toEqual(['D-DATA-UNAVAILABLE']);
    const card = cardOf(body, 'D-DATA-UNAVAILABLE');
    expect(card.indicator).toBe('warning');
    noSuggestions(card);
    expect(fact(card, 'Conditions')).toBe(
      "unavailable (Condition could not be read: prefetch 'conditions' held an OperationOutcome " +
        '(exception: Condition read failed upstream) and no fhirServer was given)',
    );
    // What the Conditions would have told is unknown, not absent: never "not found" for them.
    for (const f of ['Histology', 'Extent', 'Primary site']) {
      expect(fact(card, f)).toBe('unavailable (the Conditions could not be read)');
    }
  });

  test('the conditions key holds an OperationOutcome and the fhirServer fails that query too (HTTP 500)', async () => {
    const body = await call(metastaticLms('du-c-oo500'), {
      prefetch: { conditions: failedRead('Condition') },
      fhirServer: conditionsFail.url,
    });
    expect(topics(body)).toEqual(['D-DATA-UNAVAILABLE']);
    expect(fact(cardOf(body, 'D-DATA-UNAVAILABLE'), 'Conditions')).toMatch(
      /^unavailable \(Condition could not be read: prefetch 'conditions' held an OperationOutcome .*; fhirServer query 'conditions' \(Condition\?patient=\{\{context.patientId\}\}&_count=100\) failed: http-status: HTTP 500/,
    );
  });

  test('nothing prefetched, and the fhirServer fails only the Condition search: HTTP 412 (§2 rule 4), not a card', async () => {
    const resources = metastaticLms('du-c-server');
    await fhir.load({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: resources.map((resource) => ({
        resource,
        request: { method: 'PUT', url: `${resource.resourceType}/${resource.id ?? ''}` },
      })),
    });
    const res = await request(app)
      .post('/cds-services/sts-pathway-patient-view')
      .send({
        hook: 'patient-view',
        hookInstance: 'd5d5d5d5-0000-4000-8000-00000000d5d6',
        fhirServer: conditionsFail.url,
        context: { userId: 'Practitioner/reviewer', patientId: 'du-c-server' },
      });
    expect(res.status).toBe(412);
    expect(issueOf(res)?.diagnostics).toMatch(
      /'conditions' .*was not sent, and fhirServer query 'conditions' .*HTTP 500/,
    );
  });

  test('a Condition with a wrong-typed field is dropped: the card names the resource and the field', async () => {
    const resources = metastaticLms('du-c-shape').map((r) =>
      r.id === 'du-c-shape-met' ? ({ ...r, code: 'C78.7' } as unknown as FhirResource) : r,
    );
    const body = await call(resources);
    expect(topics(body)).toEqual(['D-DATA-UNAVAILABLE']);
    expect(fact(cardOf(body, 'D-DATA-UNAVAILABLE'), 'Conditions')).toBe(
      "unavailable (Condition could not be read: Condition/du-c-shape-met: field 'code' has the wrong type)",
    );
  });

  test('order-sign: a drafted regimen gets POSITION-UNKNOWN (§5 step 2), never OFF-PATHWAY', async () => {
    const body = await call(metastaticLms('du-c-order'), {
      hook: 'order-sign',
      prefetch: { conditions: failedRead('Condition') },
      drafts: [
        draft('d-gem', 'du-c-order', 'gemcitabine', '12574'),
        draft('d-doc', 'du-c-order', 'docetaxel', '72962'),
      ],
    });
    expect(topics(body)).toEqual(['POSITION-UNKNOWN']);
    expect(cardOf(body, 'POSITION-UNKNOWN').summary).toMatch(/Patient data could not be read/);
  });
});

describe('other types unreadable: the facts built on them are unavailable (§2 table)', () => {
  test('Observations: ECOG, LVEF and grade unavailable; metastatic from the Conditions alone', async () => {
    const body = await call(metastaticLms('du-o-met'), { prefetch: { observations: failedRead('Observation') } });
    expect(topics(body)).toEqual(['M-LMS-1L-DOXO-TRAB', 'M-1L-DOXO', 'M-TRIAL']);
    const card = cardOf(body, 'M-LMS-1L-DOXO-TRAB');
    for (const f of ['ECOG', 'LVEF', 'Grade'])
      expect(fact(card, f)).toMatch(
        /^unavailable \(Observation could not be read: prefetch 'observations' held an OperationOutcome/,
      );
    expect(fact(card, 'Extent')).toBe('metastatic');
  });

  test('Observations: extent only in an M1 Observation is unknown, D-MISSING-EXTENT saying why', async () => {
    const p = new McodePatient('du-o-ext');
    const resources = [
      p.patient('1962-12-12'),
      p.primary({ id: 'du-o-ext-dx', icd10: CODES.thighIcd, extensionMorphology: CODES.lms, onset: ago(800) }),
      p.mCategory('du-o-ext-m', ago(300), CODES.cM1),
    ];
    const body = await call(resources, { prefetch: { observations: failedRead('Observation') } });
    expect(topics(body)).toEqual(['D-MISSING-EXTENT']);
    const card = cardOf(body, 'D-MISSING-EXTENT');
    expect(card.detail).toMatch(/Observations could not be read: extent from Conditions alone/);
    expect(fact(card, 'Extent')).toMatch(
      /^unavailable \(Observation could not be read: .*Conditions alone do not show it\)$/,
    );
  });

  test.each(['medicationRequests', 'medicationStatements'])(
    '%s: line-1 nodes without suggestions, "treatment history unavailable"',
    async (key) => {
      const body = await call(metastaticLms(`du-m-${key}`), { prefetch: { [key]: failedRead('Medication') } });
      expect(topics(body)).toEqual(['M-LMS-1L-DOXO-TRAB', 'M-1L-DOXO', 'M-TRIAL']);
      for (const card of body.cards) {
        noSuggestions(card);
        expect(fact(card, 'Treatment history')).toMatch(
          /^unavailable \(Medication(Request|Statement) could not be read/,
        );
      }
      for (const id of ['M-LMS-1L-DOXO-TRAB', 'M-1L-DOXO'])
        expect(cardOf(body, id).detail).toMatch(/treatment history unavailable/);
    },
  );

  test('Procedures: L-SURGERY shown without suggestions, local therapy unknown', async () => {
    const body = await call(localizedUps('du-p'), { prefetch: { procedures: failedRead('Procedure') } });
    expect(topics(body)).toContain('L-SURGERY');
    expect(topics(body)).not.toContain('L-POST-RESECTION');
    const card = cardOf(body, 'L-SURGERY');
    noSuggestions(card);
    expect(card.detail).toMatch(/local therapy unknown: procedures could not be read/);
    expect(fact(card, 'Local therapy')).toMatch(/^unavailable \(Procedure could not be read/);
  });

  test('Patient: "age unavailable" on every card, and no X-PEDIATRIC for a child whose Patient could not be read', async () => {
    const child = localizedUps('du-pt', '2014-03-03');
    const readable = await call(child);
    expect(topics(readable)).toEqual(['X-PEDIATRIC']);
    const body = await call(child, { prefetch: { patient: failedRead('Patient') } });
    expect(topics(body)).not.toContain('X-PEDIATRIC');
    expect(topics(body)).toContain('L-SURGERY');
    for (const card of body.cards)
      expect(fact(card, 'Age')).toMatch(
        /^unavailable \(Patient could not be read: prefetch 'patient' held an OperationOutcome/,
      );
  });

  test('Patient with a malformed birthDate: treated as unreadable, not a 412 and not a 500', async () => {
    const resources = localizedUps('du-pt-shape').map((r) =>
      r.resourceType === 'Patient' ? ({ ...r, birthDate: { year: 2014 } } as unknown as FhirResource) : r,
    );
    const body = await call(resources);
    expect(topics(body)).toContain('L-SURGERY');
    for (const card of body.cards)
      expect(fact(card, 'Age')).toBe(
        "unavailable (Patient could not be read: Patient/du-pt-shape: field 'birthDate' has the wrong type)",
      );
  });
});
