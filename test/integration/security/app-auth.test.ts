import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/log.js';
import { errorCodeOf, statusOf, unauthorized } from '../../../src/errors.js';
import { authEnv, makeKey, signToken, startJwksServer, type JwksServer, type TestKey } from './jwt-fixtures.js';
import { issueOf, outcomeOf } from '../../helpers/responses.js';

const EHR = 'https://ehr.example.org';
const BASE = 'https://cds.example.org';
const SERVICE = '/cds-services/sts-pathway-patient-view';

let key: TestKey;
let jwks: JwksServer;
let app: Express;

const feedbackBody = {
  feedback: [
    {
      card: 'c0f6f4f1-7c1e-4f4c-9d49-6c1d1f3a1b2c',
      outcome: 'accepted',
      acceptedSuggestions: [{ id: '5b0d2c0e-6f4e-4a43-8f0e-2d7a3c1b9e11' }],
      outcomeTimestamp: '2026-01-01T10:00:00Z',
    },
  ],
};

beforeAll(async () => {
  key = await makeKey('ES384');
  jwks = await startJwksServer([key.publicJwk]);
  const config = loadConfig(authEnv([{ iss: EHR, jku: jwks.url, fhirServers: ['https://fhir.example.org/r4'] }]));
  app = createApp({ config, log: createLogger('silent') });
});

afterAll(async () => {
  await jwks.close();
});

const bearer = async (aud: string, claims?: Record<string, unknown>): Promise<string> =>
  `Bearer ${await signToken({ key, iss: EHR, aud, claims })}`;

/** Asserts a 401 OperationOutcome whose diagnostics name `check`. */
function expectRejected(res: request.Response, check: string): void {
  expect(res.status).toBe(statusOf(unauthorized('')));
  expect(outcomeOf(res).resourceType).toBe('OperationOutcome');
  expect(errorCodeOf(outcomeOf(res))).toBe('unauthorized');
  expect(issueOf(res)?.diagnostics).toMatch(new RegExp(`^JWT rejected \\(${check}\\)`));
  expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
}

describe('with AUTH=required, through the whole app', () => {
  test('discovery with a valid client JWT lists the services', async () => {
    const res = await request(app)
      .get('/cds-services')
      .set('authorization', await bearer(`${BASE}/cds-services`));
    expect(res.status).toBe(200);
    expect((res.body as { services: unknown[] }).services.length).toBeGreaterThan(0);
  });

  test('feedback with a valid client JWT (aud = the feedback URL) is accepted', async () => {
    const res = await request(app)
      .post(`${SERVICE}/feedback`)
      .set('authorization', await bearer(`${BASE}${SERVICE}/feedback`))
      .send(feedbackBody);
    expect(res.status).toBe(200);
  });

  test('discovery without a token is 401 naming the Authorization header', async () => {
    expectRejected(await request(app).get('/cds-services'), 'authorization');
  });

  test('discovery with a token minted for another endpoint is 401 aud', async () => {
    const res = await request(app)
      .get('/cds-services')
      .set('authorization', await bearer(`${BASE}${SERVICE}`));
    expectRejected(res, 'aud');
  });

  test('a replayed feedback token is 401 jti and the body is never processed', async () => {
    const auth = await bearer(`${BASE}${SERVICE}/feedback`);
    expect((await request(app).post(`${SERVICE}/feedback`).set('authorization', auth).send(feedbackBody)).status).toBe(
      200,
    );
    const again = await request(app).post(`${SERVICE}/feedback`).set('authorization', auth).send({ not: 'feedback' });
    expectRejected(again, 'jti');
  });

  test('a service call with an expired token is 401 exp, before the request body is validated', async () => {
    const now = Math.floor(Date.now() / 1000);
    const res = await request(app)
      .post(SERVICE)
      .set('authorization', await bearer(`${BASE}${SERVICE}`, { iat: now - 900, exp: now - 600 }))
      .send({ hook: 'patient-view' });
    expectRejected(res, 'exp');
  });

  test('an unknown service is 401 without a token (no probing of ids)', async () => {
    expectRejected(await request(app).post('/cds-services/nope').send({}), 'authorization');
  });

  test('/health stays open and reports auth required', async () => {
    const res = await request(app).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ auth: 'required' });
    expect((res.body as { warning?: string }).warning).toBeUndefined();
  });
});

describe('with auth disabled (development default)', () => {
  test('calls pass without a token and /health says auth is disabled', async () => {
    const lines: string[] = [];
    const config = loadConfig({ STS_MODE: 'development', LOG_LEVEL: 'info', EMBEDDED_FHIR: 'false' });
    const devApp = createApp({ config, log: createLogger('info', { write: (s: string) => lines.push(s) }) });
    expect((await request(devApp).get('/cds-services')).status).toBe(200);
    const health = await request(devApp).get('/health');
    expect(health.body).toMatchObject({ auth: 'disabled' });
    expect((health.body as { warning?: string }).warning).toMatch(/not verified/);
    const warn = lines
      .map((l) => JSON.parse(l) as { level: number; msg: string })
      .find((l) => /AUTH DISABLED/.test(l.msg));
    expect(warn?.level).toBe(40);
  });
});
