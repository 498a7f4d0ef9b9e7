/**
 * Issue 15 items 10 and 11: the embedded /fhir is read-only unless EMBEDDED_FHIR_WRITABLE opens it, follows the
 * service's auth mode, is never served beyond loopback without auth, and answers a form-encoded POST _search exactly
 * like the same GET.
 */
import request from 'supertest';
import type { Bundle } from 'fhir/r4.js';
import { createApp } from '../../../src/app.js';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { createFhirRouter, startFhirServer, type RunningFhirServer } from '../../../src/embedded/index.js';
import { createLogger } from '../../../src/log.js';
import { authEnv, makeKey, signToken, startJwksServer, type JwksServer } from '../security/jwt-fixtures.js';
import { dataPathPatient, type DataPathPatient } from '../../fixtures/fhir/data-path-patient.js';

let fhir: RunningFhirServer;
let p: DataPathPatient;
let other: DataPathPatient;
beforeAll(async () => {
  fhir = await startFhirServer();
  p = dataPathPatient(4);
  other = dataPathPatient(2);
  // Loaded in process, as the demo loader does: a read-only server still takes its data that way.
  for (const t of [p.transaction, other.transaction]) expect((await fhir.handle('POST', '', t)).status).toBe(200);
});
afterAll(() => fhir.close());

const FHIR_JSON = { 'content-type': 'application/fhir+json' };

describe('read-only by default', () => {
  test.each([
    ['POST a transaction', 'POST', '', () => p.transaction],
    ['POST a create', 'POST', 'Patient', () => ({ resourceType: 'Patient' })],
    ['PUT an update', 'PUT', 'Patient/x', () => ({ resourceType: 'Patient', id: 'x' })],
    ['DELETE', 'DELETE', 'Patient/x', () => undefined],
  ])('%s: 405 OperationOutcome naming EMBEDDED_FHIR_WRITABLE', async (_what, method, path, body) => {
    const b = body();
    const res = await fetch(`${fhir.url}/${path}`, {
      method,
      headers: FHIR_JSON,
      body: b === undefined ? undefined : JSON.stringify(b),
    });
    expect(res.status).toBe(405);
    const outcome = (await res.json()) as { resourceType: string; issue: { diagnostics: string }[] };
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.issue[0]?.diagnostics).toMatch(/read-only.*EMBEDDED_FHIR_WRITABLE=true/);
    expect((await fetch(`${fhir.url}/Patient/${p.patientId}`)).status).toBe(200);
  });

  test('with writable: true, a transaction loads', async () => {
    const writable = await startFhirServer({ writable: true });
    try {
      const res = await fetch(writable.url, {
        method: 'POST',
        headers: FHIR_JSON,
        body: JSON.stringify(dataPathPatient().transaction),
      });
      expect(res.status).toBe(200);
    } finally {
      await writable.close();
    }
  });
});

describe('POST {type}/_search (form-encoded) gives exactly what the same GET gives', () => {
  const ids = (b: Bundle) => (b.entry ?? []).map((e) => `${e.resource?.resourceType}/${e.resource?.id}`).sort();

  test.each([
    ['patient', (id: string) => `patient=${id}`],
    ['patient and _count', (id: string) => `patient=${id}&_count=2`],
    ['subject reference', (id: string) => `subject=Patient/${id}`],
  ])('by %s', async (_what, query) => {
    const get = (await (await fetch(`${fhir.url}/Observation?${query(p.patientId)}`)).json()) as Bundle;
    const post = await fetch(`${fhir.url}/Observation/_search`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: query(p.patientId),
    });
    expect(post.status).toBe(200);
    const posted = (await post.json()) as Bundle;
    expect(ids(posted)).toEqual(ids(get));
    expect(posted.total).toBe(get.total);
    expect(ids(posted).length).toBeGreaterThan(0);
    expect(ids(posted).some((id) => id.includes(other.patientId))).toBe(false);
  });

  test('query-string and form parameters combine', async () => {
    const res = await fetch(`${fhir.url}/Observation/_search?_count=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `patient=${p.patientId}`,
    });
    const b = (await res.json()) as Bundle;
    expect(b.entry).toHaveLength(1);
    expect(b.total).toBe(4);
  });
});

describe('the embedded /fhir follows the service auth mode', () => {
  let jwks: JwksServer;
  afterAll(() => jwks?.close());

  test('with AUTH=required, /fhir needs the same verified client JWT (aud = the URL called)', async () => {
    const key = await makeKey('ES384');
    jwks = await startJwksServer([key.publicJwk]);
    const iss = 'https://ehr.example.org';
    const config = loadConfig(authEnv([{ iss, jku: jwks.url, fhirServers: ['https://fhir.example.org/r4'] }]));
    const router = await createFhirRouter();
    await router.handle('POST', '', p.transaction);
    const app = createApp({ config, log: createLogger('silent'), fhirRouter: router.router });
    const path = `/fhir/Patient/${p.patientId}`;
    expect((await request(app).get(path)).status).toBe(401);
    const wrongAud = await signToken({ key, iss, aud: 'https://cds.example.org/cds-services' });
    expect((await request(app).get(path).set('authorization', `Bearer ${wrongAud}`)).status).toBe(401);
    const token = await signToken({ key, iss, aud: `https://cds.example.org${path}` });
    const res = await request(app).get(path).set('authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ resourceType: 'Patient', id: p.patientId });
  });

  test('HOST beyond loopback with AUTH disabled is refused at start; loopback is fine', () => {
    const env = { STS_MODE: 'development', AUTH: 'disabled', LOG_LEVEL: 'silent' };
    for (const host of ['0.0.0.0', '192.168.1.10', '::']) {
      expect(() => loadConfig({ ...env, HOST: host })).toThrow(ConfigError);
      expect(() => loadConfig({ ...env, HOST: host })).toThrow(/HOST=.* with AUTH=disabled/);
    }
    for (const host of ['127.0.0.1', 'localhost', '::1']) expect(loadConfig({ ...env, HOST: host }).host).toBe(host);
  });
});
