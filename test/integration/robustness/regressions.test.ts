/**
 * Requests the fuzzer (fuzz.test.ts) once answered with a 500, kept as plain examples: each must now be a 2xx with a
 * valid cards body or a 4xx OperationOutcome.
 */
import { loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/log.js';
import { badRequest } from '../../../src/errors.js';
import { answerProblem, send, serveApp, type RunningApp } from './harness.js';
import { draft, seedRequest, seeds } from './seeds.js';

let app: RunningApp;
beforeAll(async () => {
  app = await serveApp({
    config: loadConfig({ STS_MODE: 'development', LOG_LEVEL: 'silent', EMBEDDED_FHIR: 'false' }),
    log: createLogger('silent'),
  });
});
afterAll(() => app.close());

const seed = () => {
  const s = seeds().find((x) => x.patientId === 'sts-lms-1l');
  if (!s) throw new Error('seed sts-lms-1l missing');
  return s;
};
const post = async (hook: string, body: string) => {
  const path = `/cds-services/sts-pathway-${hook}`;
  const answer = await send(app.base, { path, body });
  expect(answerProblem(path, answer)).toBeUndefined();
  return { status: answer.status, body: JSON.parse(answer.text) as Record<string, unknown> };
};
const prefetchOf = (body: Record<string, unknown>): Record<string, unknown> => body.prefetch as Record<string, unknown>;
const topics = (body: Record<string, unknown>): string[] =>
  (body.cards as { source: { topic?: { code: string } } }[]).map((c) => c.source.topic?.code ?? '');

test('a 20,000-deep value inside a resource is a 400, not a stack overflow', async () => {
  const text = JSON.stringify(seedRequest(seed(), 'patient-view')).replace(
    '"birthDate":"',
    `"deep":${'['.repeat(20_000)}${']'.repeat(20_000)},"birthDate":"`,
  );
  const res = await post('patient-view', text);
  expect(res.status).toBe(400);
  expect(res.body).toEqual(badRequest('Request body is nested more than 100 levels deep'));
});

test('a prefetch Bundle whose entry is not a list is unreadable (D-DATA-UNAVAILABLE), not empty', async () => {
  // PATHWAY.md §2 "Unreadable data": the EHR sent the key but it cannot be read; without fhirServer that is no 412
  // (kept for keys simply not sent) but the Conditions are unreadable: one D-DATA-UNAVAILABLE card.
  const body = seedRequest(seed(), 'patient-view');
  prefetchOf(body).conditions = { resourceType: 'Bundle', type: 'searchset', entry: 5 };
  const res = await post('patient-view', JSON.stringify(body));
  expect(res.status).toBe(200);
  expect(topics(res.body)).toEqual(['D-DATA-UNAVAILABLE']);
});

test('null, numbers and empty entries inside a prefetch Bundle are skipped', async () => {
  const body = seedRequest(seed(), 'patient-view');
  const conditions = prefetchOf(body).conditions as { entry: unknown[] };
  conditions.entry.unshift(null, 5, 'x', [], { resource: null }, { resource: 5 });
  const res = await post('patient-view', JSON.stringify(body));
  expect(res.status).toBe(200);
  expect((res.body.cards as unknown[]).length).toBeGreaterThan(0);
});

test('a `patient` key holding a Bundle of Conditions instead of the Patient is a 412', async () => {
  const body = seedRequest(seed(), 'patient-view');
  prefetchOf(body).patient = prefetchOf(body).conditions;
  expect((await post('patient-view', JSON.stringify(body))).status).toBe(412);
});

test('order-sign: a second Patient without an id in the conditions key is dropped, not a second Patient for the engine', async () => {
  // Found by the fuzzer (seed 102016074): two Patients made the engine's `singleton from [Patient]` throw.
  const body = seedRequest(seed(), 'order-sign');
  const patient = { ...(prefetchOf(body).patient as Record<string, unknown>) };
  delete patient.id;
  prefetchOf(body).conditions = { resourceType: 'Bundle', type: 'searchset', entry: [{ resource: patient }] };
  const res = await post('order-sign', JSON.stringify(body));
  expect(res.status).toBe(200);
});

test('order-sign: a draft whose contained list holds null, or whose coding holds null, is a 400 naming the field', async () => {
  // A draft MedicationRequest that does not fit the FHIR model cannot be judged: the EHR's error to fix, named.
  const s = seed();
  const odd = {
    ...draft('doxorubicin', s.patientId, 'odd'),
    medicationCodeableConcept: undefined,
    medicationReference: { reference: '#m' },
    contained: [null, 5, { resourceType: 'Medication', id: 'm', code: 5 }],
  };
  const nullCoding = {
    ...draft('trabectedin', s.patientId, 'nullcoding'),
    medicationCodeableConcept: { coding: [null], text: 'trabectedin' },
  };
  for (const [resource, field] of [
    [odd, 'contained[0]'],
    [nullCoding, 'medicationCodeableConcept.coding[0]'],
  ] as const) {
    const body = seedRequest(s, 'order-sign');
    const context = body.context as { draftOrders: { entry: unknown[] } };
    context.draftOrders.entry.push({ resource });
    const res = await post('order-sign', JSON.stringify(body));
    expect(res.body).toEqual(
      badRequest(`Draft MedicationRequest in entry 1 of \`context.draftOrders\`: field '${field}' has the wrong type`, [
        `context.draftOrders.entry[1].resource.${field}`,
      ]),
    );
  }
});

describe('a wrong-typed field inside a prefetched resource: the resource is dropped and its type unreadable (no 500)', () => {
  // Each once made cql-exec-fhir throw ("data.map is not a function", "args[0].replace is not a function").
  const withResource = (
    key: string,
    type: string,
    edit: (r: Record<string, unknown>) => void,
  ): Record<string, unknown> => {
    const body = seedRequest(seed(), 'patient-view');
    const bundle = prefetchOf(body)[key] as { entry: { resource: Record<string, unknown> }[] };
    const entry = bundle.entry.find((e) => e.resource.resourceType === type);
    if (!entry) throw new Error(`seed without ${type}`);
    edit(entry.resource);
    return body;
  };

  test.each<[string, string, string, (r: Record<string, unknown>) => void]>([
    [
      '`coding: 5`',
      'observations',
      'Observation',
      (r) => {
        r.code = { coding: 5 };
      },
    ],
    [
      '`focus: {}`',
      'observations',
      'Observation',
      (r) => {
        r.focus = {};
      },
    ],
    [
      '`code: "x"`',
      'observations',
      'Observation',
      (r) => {
        r.code = 'x';
      },
    ],
    [
      '`effectiveDateTime: {}`',
      'observations',
      'Observation',
      (r) => {
        delete r.effectivePeriod;
        r.effectiveDateTime = {};
      },
    ],
    [
      '`valueQuantity: []`',
      'observations',
      'Observation',
      (r) => {
        r.valueQuantity = [];
      },
    ],
    [
      'a number where a code string belongs',
      'observations',
      'Observation',
      (r) => {
        r.code = { coding: [{ system: 'http://loinc.org', code: 5 }] };
      },
    ],
  ])('an Observation with %s', async (_name, key, type, edit) => {
    const res = await post('patient-view', JSON.stringify(withResource(key, type, edit)));
    expect(res.status).toBe(200);
    expect((res.body.cards as unknown[]).length).toBeGreaterThan(0);
    expect(JSON.stringify(res.body)).toMatch(
      new RegExp(`${type} could not be read: ${type}/[^:]+: field '[^']+' has the wrong type`),
    );
  });

  test('a wrong-typed field the pathway does not read (`category: {}`, narrative as a string) is ignored: the same cards', async () => {
    const plain = await post(
      'patient-view',
      JSON.stringify(withResource('observations', 'Observation', () => undefined)),
    );
    const odd = await post(
      'patient-view',
      JSON.stringify(
        withResource('observations', 'Observation', (r) => {
          r.category = {};
          r.text = 'x';
        }),
      ),
    );
    expect(odd.status).toBe(200);
    expect(JSON.stringify(odd.body)).not.toMatch(/could not be read/);
    expect(topics(odd.body)).toEqual(topics(plain.body));
  });

  test('a Condition with `code: "C49.2"`: the D-DATA-UNAVAILABLE card naming it', async () => {
    const res = await post(
      'patient-view',
      JSON.stringify(
        withResource('conditions', 'Condition', (r) => {
          r.code = 'C49.2';
        }),
      ),
    );
    expect(topics(res.body)).toEqual(['D-DATA-UNAVAILABLE']);
    expect(JSON.stringify(res.body)).toMatch(
      /Condition could not be read: Condition\/[^:]+: field 'code' has the wrong type/,
    );
  });
});

test('prototype keys in a request neither pollute Object.prototype nor break the answer', async () => {
  const text = JSON.stringify(seedRequest(seed(), 'patient-view')).replace(
    '{"hook"',
    '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"hook"',
  );
  const res = await post('patient-view', text);
  expect(res.status).toBe(200);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});
