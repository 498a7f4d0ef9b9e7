/**
 * The hook + FHIR fetch path logs no secret: bearer tokens, client JWTs and patient ids go through the app (with
 * successes, refusals and FHIR faults) and none appears in the captured log, while the log does record the faults.
 */
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/log.js';
import {
  closedPortUrl,
  startFaultyFhirServer,
  startTestFhirServer,
  type FaultyFhirServer,
  type TestFhirServer,
} from '../../helpers/fhir-server.js';
import { dataPathPatient, type DataPathPatient } from '../../fixtures/fhir/data-path-patient.js';
import { makeKey, signToken, type TestKey } from '../security/jwt-fixtures.js';
import { engineOnce, FUZZ_NOW } from './harness.js';

const EHR = 'https://ehr.example.org';
const BASE = 'https://cds.example.org';
const SERVICE = '/cds-services/sts-pathway-patient-view';
const ACCESS_TOKEN = 'fhir-access-token-data-path-4711';

let fhir: TestFhirServer;
let p: DataPathPatient;
let key: TestKey;
const faulty: FaultyFhirServer[] = [];

beforeAll(async () => {
  fhir = await startTestFhirServer();
  p = dataPathPatient();
  await fhir.load(p.transaction);
  key = await makeKey('ES384');
  faulty.push(
    await startFaultyFhirServer({ kind: 'status', status: 500 }),
    await startFaultyFhirServer({ kind: 'status', status: 401 }),
    await startFaultyFhirServer({ kind: 'html' }),
    await startFaultyFhirServer({ kind: 'stall' }, { upstream: fhir.url, affects: /Condition/ }),
    await startFaultyFhirServer({ kind: 'huge', bytes: 200_000 }, { upstream: fhir.url, affects: /Observation/ }),
  );
});
afterAll(async () => {
  for (const f of faulty) await f.close();
  await fhir.close();
});

test('tokens, JWTs and patient ids never reach the log on the hook and FHIR fetch path', async () => {
  const closed = await closedPortUrl();
  const lines: string[] = [];
  const log = createLogger('trace', { write: (s: string) => void lines.push(s) });
  const config = loadConfig({
    STS_MODE: 'production',
    PSEUDONYM_KEY: 'k'.repeat(40),
    LOG_LEVEL: 'trace',
    PUBLIC_BASE_URL: BASE,
    FHIR_TIMEOUT_MS: '1500',
    REQUEST_DEADLINE_MS: '4000',
    FHIR_MAX_RESPONSE_BYTES: '65536',
    CDS_CLIENTS: JSON.stringify([
      {
        iss: EHR,
        jwks: { keys: [key.publicJwk] },
        fhirServers: [fhir.url, closed, ...faulty.map((f) => f.url)],
        allowPrivateNetwork: true,
      },
    ]),
  });
  const app = createApp({ config, log, engine: engineOnce(), clock: () => FUZZ_NOW });
  const jwts: string[] = [];
  const call = async (fhirServer: string, patientId = p.patientId) => {
    const now = Math.floor(FUZZ_NOW.getTime() / 1000);
    const jwt = await signToken({ key, iss: EHR, aud: `${BASE}${SERVICE}`, now, claims: { patient: patientId } });
    jwts.push(jwt);
    return request(app)
      .post(SERVICE)
      .set('authorization', `Bearer ${jwt}`)
      .send({
        hook: 'patient-view',
        hookInstance: 'e1e1e1e1-0000-4000-8000-00000000e1e1',
        fhirServer,
        fhirAuthorization: {
          access_token: ACCESS_TOKEN,
          token_type: 'Bearer',
          expires_in: 300,
          scope: 'patient/*.read',
          subject: 'cds',
        },
        context: { userId: 'Practitioner/1', patientId },
      });
  };
  const statuses = [
    (await call(fhir.url)).status,
    ...(await Promise.all(faulty.map(async (f) => (await call(f.url)).status))),
    (await call(closed)).status,
    // Refused by the SSRF policy: not on the client's list.
    (await call('http://10.0.0.1/fhir')).status,
  ];
  // The mix happened: a success, FHIR faults (412, PATHWAY.md §2 rule 4), a refusal (403).
  expect(statuses).toContain(200);
  expect(statuses).toContain(412);
  expect(statuses).toContain(403);

  const text = lines.join('');
  expect(text).toMatch(/request refused/);
  // Each failed FHIR call is one upstream-failure line at warn (40), naming the server's host and the failure's kind.
  const upstream = lines
    .map((l) => JSON.parse(l) as { level: number; kind?: string; host?: string; failure?: string })
    .filter((l) => l.kind === 'upstream-failure');
  expect(upstream.length).toBeGreaterThan(0);
  expect(upstream.every((l) => l.level === 40)).toBe(true);
  expect(upstream.map((l) => l.failure)).toEqual(expect.arrayContaining(['http-status', 'unreachable']));
  expect(upstream.map((l) => l.host)).toContain(new URL(closed).host);
  for (const secret of [ACCESS_TOKEN, p.patientId, ...jwts, ...jwts.flatMap((j) => j.split('.'))])
    expect(text).not.toContain(secret);
  expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
});
