import type { Bundle, CapabilityStatement, OperationOutcome, Patient } from 'fhir/r4.js';
import { startFhirServer, type RunningFhirServer } from '../../../src/embedded/index.js';
import { dataPathPatient, type DataPathPatient } from '../../fixtures/fhir/data-path-patient.js';

let fhir: RunningFhirServer;
let p: DataPathPatient;
beforeAll(async () => {
  fhir = await startFhirServer({ writable: true });
  p = dataPathPatient(5);
});
afterAll(() => fhir.close());

const FHIR_JSON = { 'content-type': 'application/fhir+json' };
async function call(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; type: string; body: unknown }> {
  const res = await fetch(`${fhir.url}/${path}`, {
    method,
    headers: FHIR_JSON,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.json() };
}

describe('embedded FHIR server (startFhirServer)', () => {
  test('serves on a loopback port under /fhir', () => {
    expect(fhir.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/fhir$/);
  });

  test('a transaction Bundle POSTed to the base loads every entry', async () => {
    const res = await call('POST', '', p.transaction);
    expect(res.status).toBe(200);
    const body = res.body as Bundle;
    expect(body.type).toBe('transaction-response');
    expect(body.entry?.every((e) => /^20[01]/.test(e.response?.status ?? ''))).toBe(true);
  });

  test('read answers the resource as application/fhir+json', async () => {
    const res = await call('GET', `Patient/${p.patientId}`);
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^application\/fhir\+json/);
    expect(res.body).toMatchObject({ resourceType: 'Patient', id: p.patientId, birthDate: '1970-05-01' });
  });

  test("search by patient finds only that patient's resources, with paging links to follow", async () => {
    const first = (await call('GET', `Observation?patient=${p.patientId}&_count=2`)).body as Bundle;
    expect(first.total).toBe(5);
    const ids = (first.entry ?? []).map((e) => e.resource?.id);
    let next = first.link?.find((l) => l.relation === 'next')?.url;
    let pages = 1;
    while (next) {
      const page = (await (await fetch(next)).json()) as Bundle;
      ids.push(...(page.entry ?? []).map((e) => e.resource?.id));
      next = page.link?.find((l) => l.relation === 'next')?.url;
      pages++;
    }
    expect(pages).toBe(3);
    expect(ids.sort()).toEqual(Array.from({ length: 5 }, (_, i) => `${p.patientId}-o${i}`));
    expect(first.entry?.[0]?.fullUrl).toBe(`${fhir.url}/Observation/${ids[0]}`);
  });

  test('patient=, patient=Patient/x and subject=Patient/x find the same Conditions', async () => {
    const count = async (q: string): Promise<number> =>
      ((await call('GET', `Condition?${q}`)).body as Bundle).total ?? -1;
    expect(await count(`patient=${p.patientId}`)).toBe(2);
    expect(await count(`patient=Patient/${p.patientId}`)).toBe(2);
    expect(await count(`subject=Patient/${p.patientId}`)).toBe(2);
  });

  test('create (POST), update (PUT) and delete work, and a deleted resource is gone', async () => {
    const created = await call('POST', 'Patient', { resourceType: 'Patient', birthDate: '2000-01-01' });
    expect(created.status).toBe(201);
    const id = (created.body as Patient).id;
    const updated = await call('PUT', `Patient/${id}`, { resourceType: 'Patient', id, birthDate: '2001-01-01' });
    expect(updated.status).toBe(200);
    expect((await call('GET', `Patient/${id}`)).body).toMatchObject({ birthDate: '2001-01-01' });
    expect((await call('DELETE', `Patient/${id}`)).status).toBe(200);
    expect([404, 410]).toContain((await call('GET', `Patient/${id}`)).status);
  });

  test('errors are OperationOutcomes: unknown id 404, malformed JSON 400', async () => {
    const missing = await call('GET', 'Patient/does-not-exist');
    expect(missing.status).toBe(404);
    expect((missing.body as OperationOutcome).resourceType).toBe('OperationOutcome');
    const res = await fetch(`${fhir.url}/Patient`, { method: 'POST', headers: FHIR_JSON, body: '{"resourceType":' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as OperationOutcome).resourceType).toBe('OperationOutcome');
  });

  test('a write that is not a valid R4 resource is refused with a 400 OperationOutcome', async () => {
    const res = await call('PUT', 'NotAResource/x', { resourceType: 'NotAResource', id: 'x' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'invalid' }] });
  });

  test('GET /metadata is an R4 CapabilityStatement', async () => {
    const res = await call('GET', 'metadata');
    const cs = res.body as CapabilityStatement;
    expect(cs.resourceType).toBe('CapabilityStatement');
    expect(cs.fhirVersion).toBe('4.0.1');
    expect(cs.rest?.[0]?.resource?.map((r) => r.type)).toEqual(
      expect.arrayContaining(['Patient', 'Condition', 'Observation']),
    );
  });
});
