/**
 * PATHWAY.md §2 "Reading the data", over HTTP, one test per rule: null = empty, an OperationOutcome = fetched once or
 * unreadable, absent Patient/Condition without fhirServer = 412, truncated searchsets followed through fhirServer or
 * incomplete, warning OperationOutcomes listed under "Based on"; and only this patient's resources count (issue 15).
 */
import type { Bundle, FhirResource } from 'fhir/r4.js';
import request from 'supertest';
import { preconditionFailed } from '../../src/errors.js';
import type { CdsResponse } from '../../src/shared/cds-hooks.js';
import { testApp } from '../helpers/app.js';
import { responseProblems } from '../helpers/card-checks.js';
import { startTestFhirServer, type TestFhirServer } from '../helpers/fhir-server.js';
import { CODES, McodePatient } from '../fixtures/mcode/resources.js';
import { NOW, ago, expectCardMechanics, fact, prefetchOf, topics } from '../fixtures/mcode/http.js';
import { issueOf } from '../helpers/responses.js';

const app = testApp({ FHIR_TIMEOUT_MS: '1500', REQUEST_DEADLINE_MS: '4000' }, () => NOW);

let fhir: TestFhirServer;
beforeAll(async () => {
  fhir = await startTestFhirServer();
}, 60_000);
afterAll(() => fhir.close());

/** A metastatic LMS of the thigh with ECOG, LVEF and grade, and three doxorubicin doses of 75 mg/m². */
function scenario(id: string): FhirResource[] {
  const p = new McodePatient(id);
  return [
    p.patient('1962-12-12'),
    p.primary({ id: `${id}-dx`, icd10: CODES.thighIcd, extensionMorphology: CODES.lms, onset: ago(800) }),
    p.secondary({ id: `${id}-met`, primaryId: `${id}-dx`, onset: ago(300) }),
    p.ecogInteger(`${id}-ecog`, ago(10), 1),
    p.lvef(`${id}-lvef`, ago(10), 60),
    p.grade(`${id}-g`, ago(700), CODES.grade3),
    ...[400, 379, 358].map((d, i) => p.admin(`${id}-doxo-${i}`, ago(d), CODES.rxDoxo, { doseMgM2: 75 })),
  ];
}

async function load(resources: readonly FhirResource[]): Promise<void> {
  await fhir.load({
    resourceType: 'Bundle',
    type: 'transaction',
    entry: resources.map((resource) => ({
      resource,
      request: { method: 'PUT', url: `${resource.resourceType}/${resource.id ?? ''}` },
    })),
  });
}

const warningOutcome = (text: string) => ({
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'warning', code: 'informational', diagnostics: text }],
});
const errorOutcome = (text: string) => ({
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code: 'exception', diagnostics: text }],
});

/** patient-view with the scenario's full prefetch, keys replaced (`undefined` deletes one). */
function send(resources: readonly FhirResource[], replace: Record<string, unknown> = {}, fhirServer?: string) {
  const patientId = resources.find((r) => r.resourceType === 'Patient')?.id ?? '';
  const prefetch: Record<string, unknown> = { ...prefetchOf(resources) };
  for (const [k, v] of Object.entries(replace)) {
    if (v === undefined) delete prefetch[k];
    else prefetch[k] = v;
  }
  return request(app)
    .post('/cds-services/sts-pathway-patient-view')
    .send({
      hook: 'patient-view',
      hookInstance: 'c4c4c4c4-0000-4000-8000-00000000c4c4',
      ...(fhirServer ? { fhirServer } : {}),
      context: { userId: 'Practitioner/reviewer', patientId },
      prefetch,
    });
}

async function cards(
  resources: readonly FhirResource[],
  replace: Record<string, unknown> = {},
  fhirServer?: string,
): Promise<CdsResponse> {
  const res = await send(resources, replace, fhirServer);
  expect(res.status).toBe(200);
  const body = res.body as CdsResponse;
  expect(responseProblems(body)).toEqual([]);
  const patientId = resources.find((r) => r.resourceType === 'Patient')?.id ?? '';
  for (const card of body.cards) expectCardMechanics(card, patientId, false);
  return body;
}

/** The value of a fact on every card (they carry the same "Based on" list). */
function onEveryCard(body: CdsResponse, name: string): string | undefined {
  expect(body.cards.length).toBeGreaterThan(0);
  const values = new Set(body.cards.map((c) => fact(c, name)));
  expect(values.size).toBe(1);
  return [...values][0];
}

const requestsSince = (n: number) => fhir.requests.slice(n);

describe('rule 2: a null key is read and empty', () => {
  test('observations null with a fhirServer: never fetched, ECOG and LVEF "not found" (not unavailable)', async () => {
    const r = scenario('ps-null-obs');
    await load(r);
    const before = fhir.requests.length;
    const body = await cards(r, { observations: null }, fhir.url);
    expect(requestsSince(before)).toEqual([]);
    expect(onEveryCard(body, 'ECOG')).toMatch(/^not found/);
    expect(onEveryCard(body, 'LVEF')).toMatch(/^not found/);
  });

  test('patient and conditions null without fhirServer: 200 with no cards, never a 412', async () => {
    const body = await cards(scenario('ps-null-pc'), { patient: null, conditions: null });
    expect(body.cards).toEqual([]);
  });
});

describe('rule 3: an OperationOutcome in a key', () => {
  test("without fhirServer: unreadable, the reason the first issue's code and diagnostics", async () => {
    const body = await cards(scenario('ps-oo-1'), { observations: errorOutcome('Observation search timed out') });
    expect(onEveryCard(body, 'LVEF')).toMatch(
      /^unavailable \(Observation could not be read: .*exception: Observation search timed out/,
    );
  });

  test('a Bundle of only error OperationOutcomes is the same as an OperationOutcome', async () => {
    const only: Bundle = {
      resourceType: 'Bundle',
      type: 'searchset',
      entry: [{ resource: errorOutcome('backend down'), search: { mode: 'outcome' } }],
    };
    const body = await cards(scenario('ps-oo-2'), { observations: only });
    expect(onEveryCard(body, 'LVEF')).toMatch(/exception: backend down/);
  });

  test('with fhirServer: queried once, and the data read from there', async () => {
    const r = scenario('ps-oo-3');
    await load(r);
    const before = fhir.requests.length;
    const body = await cards(r, { observations: errorOutcome('EHR could not search') }, fhir.url);
    expect(requestsSince(before).map((q) => q.url.split('?')[0])).toEqual(['/fhir/Observation']);
    expect(onEveryCard(body, 'LVEF')).toMatch(/^60 %/);
  });
});

describe('rule 4: a key absent', () => {
  test.each(['patient', 'conditions'])('%s absent and no fhirServer: HTTP 412 naming the key', async (key) => {
    const res = await send(scenario(`ps-abs-${key}`), { [key]: undefined });
    expect(res.status).toBe(412);
    expect(res.body).toEqual(preconditionFailed(issueOf(res)?.diagnostics ?? ''));
    expect(issueOf(res)?.diagnostics).toContain(`'${key}'`);
  });

  test('observations absent and no fhirServer: unreadable, not a 412', async () => {
    const body = await cards(scenario('ps-abs-obs'), { observations: undefined });
    expect(onEveryCard(body, 'LVEF')).toMatch(
      /^unavailable \(Observation could not be read: prefetch 'observations' was not sent/,
    );
  });
});

describe('rule 1: truncated searchsets and OperationOutcome warnings', () => {
  /** The first page of the scenario's administrations, as the FHIR server gives it (with its `next` link). */
  async function firstPage(patientId: string): Promise<Bundle> {
    const res = await fetch(`${fhir.url}/MedicationAdministration?patient=${patientId}&_count=1`);
    const page = (await res.json()) as Bundle;
    expect(page.link?.some((l) => l.relation === 'next')).toBe(true);
    expect(page.entry).toHaveLength(1);
    return page;
  }

  test('a truncated prefetch Bundle is followed through fhirServer: every dose counts', async () => {
    const r = scenario('ps-trunc-1');
    await load(r);
    const complete = await cards(r);
    const body = await cards(r, { medicationAdministrations: await firstPage('ps-trunc-1') }, fhir.url);
    expect(onEveryCard(body, 'Cumulative doxorubicin')).toBe(onEveryCard(complete, 'Cumulative doxorubicin'));
    expect(onEveryCard(body, 'Cumulative doxorubicin')).toMatch(/^225 mg\/m² as recorded in this record/);
    expect(fact(body.cards[0]!, 'Treatment history')).toBeUndefined();
  });

  test('a truncated prefetch Bundle with no fhirServer: treatment history incomplete on every card', async () => {
    const r = scenario('ps-trunc-2');
    await load(r);
    const body = await cards(r, { medicationAdministrations: await firstPage('ps-trunc-2') });
    expect(onEveryCard(body, 'Treatment history')).toMatch(
      /^incomplete \(MedicationAdministration: prefetch 'medicationAdministrations' has more pages .*no fhirServer.*lower bounds \(at least\)$/,
    );
  });

  test('a truncated Observation Bundle that cannot be followed: the facts built on it are unavailable', async () => {
    const r = scenario('ps-trunc-3');
    const observations: Bundle = {
      ...(prefetchOf(r).observations as Bundle),
      link: [{ relation: 'next', url: 'https://elsewhere.example/fhir/Observation?page=2' }],
    };
    const body = await cards(r, { observations });
    expect(onEveryCard(body, 'LVEF')).toMatch(/^unavailable \(Observation could not be read: read only in part: /);
  });

  test('a warning OperationOutcome entry does not make the data unreadable; its text is listed under "Based on"', async () => {
    const r = scenario('ps-warn');
    const observations = prefetchOf(r).observations as Bundle;
    const withWarning: Bundle = {
      ...observations,
      entry: [
        ...(observations.entry ?? []),
        {
          resource: warningOutcome('Results limited to the last 5 years'),
          search: { mode: 'outcome' },
        },
      ],
    };
    const body = await cards(r, { observations: withWarning });
    expect(onEveryCard(body, 'LVEF')).toMatch(/^60 %/);
    expect(onEveryCard(body, 'FHIR server notes')).toBe(
      'Observation: informational: Results limited to the last 5 years',
    );
  });
});

describe("only this patient's resources count (issue 15 item 1)", () => {
  /** A Condition of another patient, the STS of the first test scenario, under one subject variant. */
  const foreignSts = (id: string, subject: unknown): FhirResource =>
    ({
      ...new McodePatient('someone-else').primary({
        id,
        icd10: CODES.thighIcd,
        extensionMorphology: CODES.lms,
        onset: ago(800),
      }),
      ...(subject === undefined ? { subject: undefined } : { subject }),
    }) as FhirResource;
  const VARIANTS: readonly [string, unknown][] = [
    ['urn:uuid of no Patient in the Bundle', { reference: 'urn:uuid:6f1c7c2e-0000-4000-8000-000000000001' }],
    ['identifier only', { identifier: { system: 'urn:mrn', value: 'ps-mine' } }],
    ['Patient/<id>/', { reference: 'Patient/ps-mine/' }],
    ['patient/<id>', { reference: 'patient/ps-mine' }],
    ['Patient/<id>/_history/1', { reference: 'Patient/ps-mine/_history/1' }],
    ['an absolute URL of another patient', { reference: 'https://ehr.example.org/fhir/Patient/someone-else' }],
    ['no subject', undefined],
  ];

  test("a patient with no Conditions of their own gets no cards from another patient's Conditions (7 variants)", async () => {
    const mine = new McodePatient('ps-mine').patient('1962-12-12');
    const conditions: Bundle = {
      resourceType: 'Bundle',
      type: 'searchset',
      entry: VARIANTS.map(([, subject], i) => ({ resource: foreignSts(`ps-other-dx-${i}`, subject) })),
    };
    const body = await cards([mine], { conditions });
    expect(topics(body)).toEqual([]);
  });

  test('the cards count what was left out and why', async () => {
    const r = scenario('ps-mine');
    const conditions = prefetchOf(r).conditions as Bundle;
    const mixed: Bundle = {
      ...conditions,
      entry: [
        ...(conditions.entry ?? []),
        ...VARIANTS.map(([, subject], i) => ({ resource: foreignSts(`ps-other-dx-${i}`, subject) })),
      ],
    };
    const body = await cards(r, { conditions: mixed });
    expect(onEveryCard(body, "Left out (not this patient's)")).toBe(
      '7 resources not counted: 4 whose patient reference does not resolve to this patient (Condition 4); ' +
        '2 with no patient reference (missing, or an identifier only) (Condition 2); 1 of another patient (Condition 1)',
    );
    for (const card of body.cards) expect(JSON.stringify(card)).not.toContain('ps-other-dx');
  });

  test('a urn:uuid subject that is the fullUrl of this Patient in the same Bundle counts', async () => {
    const r = scenario('ps-urn');
    const patient = r.find((x) => x.resourceType === 'Patient')!;
    const urn = 'urn:uuid:6f1c7c2e-0000-4000-8000-0000000000aa';
    const conditions: Bundle = {
      resourceType: 'Bundle',
      type: 'searchset',
      entry: [
        { fullUrl: urn, resource: patient },
        ...r
          .filter((x) => x.resourceType === 'Condition')
          .map((c) => ({ resource: { ...c, subject: { reference: urn } } })),
      ],
    };
    const body = await cards(r, { conditions });
    expect(topics(body)).toEqual(topics(await cards(r)));
    expect(fact(body.cards[0]!, "Left out (not this patient's)")).toBeUndefined();
  });
});
