/**
 * Requests the fuzzer (fuzz.test.ts) once answered with a 500, kept as plain examples: each must now be a 2xx with a
 * valid cards body or a 4xx OperationOutcome.
 */
import { loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/log.js';
import { badRequest, preconditionFailed } from '../../../src/errors.js';
import { answerProblem, send, serveApp, type RunningApp } from './harness.js';
import { draft, seedRequest, seeds } from './seeds.js';

let app: RunningApp;
beforeAll(async () => {
  app = await serveApp({ config: loadConfig({ STS_MODE: 'development', LOG_LEVEL: 'silent', EMBEDDED_FHIR: 'false' }), log: createLogger('silent') });
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

test('a 20,000-deep value inside a resource is a 400, not a stack overflow', async () => {
  const text = JSON.stringify(seedRequest(seed(), 'patient-view')).replace('"birthDate":"', `"deep":${'['.repeat(20_000)}${']'.repeat(20_000)},"birthDate":"`);
  const res = await post('patient-view', text);
  expect(res.status).toBe(400);
  expect(res.body).toEqual(badRequest('Request body is nested more than 100 levels deep'));
});

test('a prefetch Bundle whose entry is not a list counts as not sent (412), not as empty', async () => {
  const body = seedRequest(seed(), 'patient-view');
  prefetchOf(body).conditions = { resourceType: 'Bundle', type: 'searchset', entry: 5 };
  const res = await post('patient-view', JSON.stringify(body));
  expect(res.status).toBe(412);
  expect(res.body).toEqual(preconditionFailed(String((res.body.issue as { diagnostics: string }[])[0]?.diagnostics)));
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

test('order-sign survives a draft whose contained list holds null and whose coding holds null', async () => {
  const s = seed();
  const body = seedRequest(s, 'order-sign');
  const odd = { ...draft('doxorubicin', s.patientId, 'odd'), medicationCodeableConcept: undefined, medicationReference: { reference: '#m' }, contained: [null, 5, { resourceType: 'Medication', id: 'm', code: 5 }] };
  const nullCoding = { ...draft('trabectedin', s.patientId, 'nullcoding'), medicationCodeableConcept: { coding: [null], text: 'trabectedin' } };
  const context = body.context as { draftOrders: { entry: unknown[] } };
  context.draftOrders.entry.push({ resource: odd }, { resource: nullCoding });
  const res = await post('order-sign', JSON.stringify(body));
  expect(res.status).toBe(200);
});

test('prototype keys in a request neither pollute Object.prototype nor break the answer', async () => {
  const text = JSON.stringify(seedRequest(seed(), 'patient-view'))
    .replace('{"hook"', '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"hook"');
  const res = await post('patient-view', text);
  expect(res.status).toBe(200);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});
