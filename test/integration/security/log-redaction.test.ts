import request from 'supertest';
import { createApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/log.js';
import { checkFhirServer } from '../../../src/security/fhir-server-policy.js';
import { authEnv, makeKey, signToken, startJwksServer, type JwksServer, type TestKey } from './jwt-fixtures.js';

const EHR = 'https://ehr.example.org';
const BASE = 'https://cds.example.org';
const SERVICE = '/cds-services/sts-pathway-patient-view';
const PATIENT_ID = 'pt-secret-4711';
const ACCESS_TOKEN = 'fhir-access-token-do-not-log';

let key: TestKey;
let jwks: JwksServer;
const lines: string[] = [];
const log = createLogger('trace', { write: (s: string) => lines.push(s) });

beforeAll(async () => {
  key = await makeKey('ES384');
  jwks = await startJwksServer([key.publicJwk]);
});
afterAll(async () => {
  await jwks.close();
});

test('JWT and SSRF refusals are logged by check name, never with a token, JWT or patient id', async () => {
  const config = loadConfig(authEnv([{ iss: EHR, jku: jwks.url, fhirServers: ['https://fhir.example.org/r4'] }]));
  const app = createApp({ config, log });
  const body = {
    hook: 'patient-view',
    hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
    fhirServer: `http://169.254.169.254/${PATIENT_ID}`,
    fhirAuthorization: {
      access_token: ACCESS_TOKEN,
      token_type: 'Bearer',
      expires_in: 300,
      scope: 'patient/*.read',
      subject: 'x',
    },
    context: { userId: 'Practitioner/1', patientId: PATIENT_ID },
  };
  const now = Math.floor(Date.now() / 1000);
  const tokens = [
    await signToken({
      key,
      iss: EHR,
      aud: `${BASE}${SERVICE}`,
      claims: { exp: now - 100, iat: now - 400, patient: PATIENT_ID },
    }),
    await signToken({ key, iss: EHR, aud: 'https://elsewhere.example.org/' }),
    await signToken({ key, iss: 'https://unknown.example.org', aud: `${BASE}${SERVICE}` }),
  ];
  for (const token of tokens) {
    const res = await request(app).post(SERVICE).set('authorization', `Bearer ${token}`).send(body);
    expect(res.status).toBe(401);
    expect(JSON.stringify(res.body)).not.toContain(token);
  }
  const client = { iss: EHR, config: config.security.clients[0] ?? fail('no client'), jti: 'j', exp: 0 };
  for (const url of [
    `http://169.254.169.254/${PATIENT_ID}`,
    `https://fhir.example.org/r4/Patient/${PATIENT_ID}?t=${ACCESS_TOKEN}`,
    'file:///etc/passwd',
  ]) {
    await expect(checkFhirServer(url, client, config.security, { log })).rejects.toThrow(/fhirServer refused/);
  }

  const text = lines.join('');
  // The capture worked: every refusal is there, by check name.
  for (const check of ['exp', 'aud', 'iss']) expect(text).toContain(`"check":"${check}"`);
  expect(text.match(/fhirServer refused/g)).toHaveLength(3);
  for (const token of tokens) {
    expect(text).not.toContain(token);
    for (const part of token.split('.')) expect(text).not.toContain(part);
  }
  expect(text).not.toContain(PATIENT_ID);
  expect(text).not.toContain(ACCESS_TOKEN);
  expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
});

function fail(msg: string): never {
  throw new Error(msg);
}
