/**
 * HTTP details the CDS Hooks sandbox runs into: a discovery URL entered with a trailing slash (it then calls
 * `/cds-services//{id}` and signs that URL as the audience), browser preflights (cached, private network), headers a
 * page may read, and a log line for every refused request.
 */
import request from 'supertest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import type { RunningFhirServer } from '../../src/embedded/index.js';
import { testApp } from '../helpers/app.js';
import { sandboxDraft, sandboxRequest, PRESCRIBABLES } from '../helpers/sandbox-requests.js';
import { authEnv, makeKey, signToken } from '../integration/security/jwt-fixtures.js';
import { FIXTURE_NOW, prefetchOf, startDemoFhir } from './patient-view-fixtures-run.js';

let fhir: RunningFhirServer;
const app = testApp({}, () => FIXTURE_NOW);

beforeAll(async () => {
  fhir = await startDemoFhir();
}, 60_000);

afterAll(async () => {
  await fhir.close();
});

describe('a discovery URL with a trailing slash', () => {
  test('GET /cds-services/ is discovery', async () => {
    const res = await request(app).get('/cds-services/');
    expect(res.status).toBe(200);
    expect((res.body as { services: unknown[] }).services.length).toBe(3);
  });

  test('POST /cds-services//{id} and /cds-services/{id}/ reach the service (no redirect)', async () => {
    const patientId = 'sts-lms-1l';
    const body = sandboxRequest('patient-view', {
      patientId,
      fhirServer: fhir.url,
      prefetch: await prefetchOf(fhir.url, patientId),
    });
    const plain = await request(app).post('/cds-services/sts-pathway-patient-view').send(body);
    for (const path of ['/cds-services//sts-pathway-patient-view', '/cds-services/sts-pathway-patient-view/']) {
      const res = await request(app).post(path).send(body);
      expect(res.status).toBe(200);
      expect((res.body as { cards: unknown[] }).cards.length).toBe((plain.body as { cards: unknown[] }).cards.length);
    }
  });

  test('with JWTs required, the token whose aud is the URL as called (double slash) is accepted', async () => {
    const key = await makeKey('ES384');
    const iss = 'https://sandbox.cds-hooks.org';
    const jku = 'https://sandbox.cds-hooks.org/.well-known/jwks.json';
    const config = loadConfig(
      authEnv([{ iss, jku, jwks: { keys: [key.publicJwk] }, fhirServers: [fhir.url], allowPrivateNetwork: true }]),
    );
    const authed = createApp({ config, log: createLogger('silent'), clock: () => FIXTURE_NOW });
    const path = '/cds-services//sts-pathway-order-select';
    const token = await signToken({
      key,
      iss,
      aud: `https://cds.example.org${path}`,
      header: { jku },
      now: Math.floor(FIXTURE_NOW.getTime() / 1000),
    });
    const patientId = 'sts-lps-2l';
    const res = await request(authed)
      .post(path)
      .set('authorization', `Bearer ${token}`)
      .send(
        sandboxRequest('order-select', {
          patientId,
          fhirServer: fhir.url,
          drafts: [sandboxDraft(patientId, PRESCRIBABLES.pazopanib)],
        }),
      );
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).toContain('S-PAZO-ADIPOCYTIC');
  });
});

describe('CORS for a browser client', () => {
  test('a preflight is cached (Max-Age) and answers a private-network request', async () => {
    const res = await request(app)
      .options('/cds-services/sts-pathway-patient-view')
      .set('origin', 'https://sandbox.cds-hooks.org')
      .set('access-control-request-method', 'POST')
      .set('access-control-request-private-network', 'true');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-max-age']).toBe('7200');
    expect(res.headers['access-control-allow-private-network']).toBe('true');
  });

  test('a 401 lets the page read WWW-Authenticate', async () => {
    const config = loadConfig(
      authEnv([{ iss: 'https://ehr.example.org', jwks: { keys: [(await makeKey('ES384')).publicJwk] } }]),
    );
    const res = await request(createApp({ config, log: createLogger('silent') })).get('/cds-services');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.headers['access-control-expose-headers']).toMatch(/WWW-Authenticate/);
  });
});

test('a 400 leaves one log line naming the status and the route, not the patient id', async () => {
  const lines: string[] = [];
  const logged = createApp({
    config: loadConfig({ STS_MODE: 'development', LOG_LEVEL: 'info', EMBEDDED_FHIR: 'false' }),
    log: createLogger('info', { write: (s: string) => lines.push(s) }),
  });
  const patientId = 'pt-secret-4711';
  const res = await request(logged)
    .post('/cds-services/sts-pathway-order-select')
    .send({
      ...sandboxRequest('order-select', {
        patientId,
        fhirServer: fhir.url,
        drafts: [sandboxDraft(patientId, PRESCRIBABLES.pazopanib)],
      }),
      context: { patientId, selections: 'MedicationRequest/x' },
    });
  expect(res.status).toBe(400);
  const refused = lines.filter((l) => l.includes('request refused'));
  expect(refused).toHaveLength(1);
  expect(JSON.parse(refused[0] ?? '{}')).toMatchObject({
    status: 400,
    method: 'POST',
    path: '/cds-services/sts-pathway-order-select',
  });
  expect(lines.join('')).not.toContain(patientId);
});
