/**
 * Issue 18, through the whole app: what a Redis outage does per use, and what GET /ready says. With JWTs required the
 * replay check fails closed: a hook call gets 503 + Retry-After + an OperationOutcome (never a 200 for a token whose
 * replay could not be checked), /ready is 503 naming the reason, /health stays 200 (liveness). Without JWTs only the
 * result cache is lost: patient-view answers, /ready stays 200 and lists the degradation. Redis back: all as before.
 */
import type { Express } from 'express';
import request from 'supertest';
import type { Redis } from 'ioredis';
import { createApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import type { RunningFhirServer } from '../../../src/embedded/index.js';
import { errorCodeOf } from '../../../src/errors.js';
import { createLogger } from '../../../src/log.js';
import type { Readiness } from '../../../src/http/health.js';
import { openSharedState, type SharedState } from '../../../src/shared-state/index.js';
import { patientViewBody, prefetchOf, startDemoFhir } from '../../e2e/patient-view-fixtures-run.js';
import { dropKeys, inspectRedis, redisViaPort, testPrefix, TEST_REDIS_URL } from '../../helpers/redis.js';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy.js';
import { authEnv, makeKey, signToken, type TestKey } from '../security/jwt-fixtures.js';
import { cdsResponseOf, outcomeOf } from '../../helpers/responses.js';

const EHR = 'https://ehr.example.org';
const BASE = 'https://cds.example.org';
const SERVICE = '/cds-services/sts-pathway-patient-view';
const prefix = testPrefix('ready');
const log = createLogger('silent');

let fhir: RunningFhirServer;
let proxy: TcpProxy;
let inspect: Redis;
let key: TestKey;
let body: object;
const states: SharedState[] = [];

const until = async (what: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** An app whose shared state goes through the proxy; its log lines are kept. */
function appWith(env: Record<string, string>): {
  app: Express;
  shared: SharedState;
  lines: () => Record<string, unknown>[];
} {
  const config = loadConfig({
    ...env,
    REDIS_URL: redisViaPort(proxy.port),
    REDIS_KEY_PREFIX: prefix,
    REDIS_TIMEOUT_MS: '500',
  });
  const text: string[] = [];
  const appLog = createLogger('info', { write: (line: string) => text.push(line) });
  const shared = openSharedState(config.sharedState, config.security.replayCacheSize, log);
  if (!shared) throw new Error('no shared state');
  states.push(shared);
  const lines = (): Record<string, unknown>[] =>
    text
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { app: createApp({ config, log: appLog, sharedState: shared }), shared, lines };
}

beforeAll(async () => {
  fhir = await startDemoFhir();
  body = patientViewBody('sts-lms-1l', { prefetch: await prefetchOf(fhir.url, 'sts-lms-1l') });
  proxy = await startTcpProxy('127.0.0.1', Number(new URL(TEST_REDIS_URL).port || 6379));
  inspect = inspectRedis();
  key = await makeKey('ES384');
}, 60_000);

afterEach(async () => {
  await proxy.restore();
});

afterAll(async () => {
  await Promise.all(states.map((s) => s.close()));
  await dropKeys(inspect, prefix);
  inspect.disconnect();
  await proxy.close();
  await fhir.close();
});

test('JWTs required, Redis cut: hook calls 503 with Retry-After, replays never 200, /ready 503 with the reason, /health 200', async () => {
  const { app, shared, lines } = appWith(authEnv([{ iss: EHR, jwks: { keys: [key.publicJwk] }, fhirServers: [] }]));
  await until(() => shared.state().ok);
  const token = (): Promise<string> => signToken({ key, iss: EHR, aud: `${BASE}${SERVICE}` });
  const call = (jwt: string) => request(app).post(SERVICE).set('authorization', `Bearer ${jwt}`).send(body);

  await request(app).get('/ready').expect(200, { status: 'ready' });
  const used = await token();
  expect((await call(used)).status).toBe(200);
  expect((await call(used)).status).toBe(401);

  await proxy.cut();
  await until(() => !shared.state().ok);
  for (const jwt of [used, await token(), await token()]) {
    const res = await call(jwt);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(outcomeOf(res).resourceType).toBe('OperationOutcome');
    expect(errorCodeOf(outcomeOf(res))).toBe('state-unavailable');
  }
  // One short line per refused call, with its request id; no stack.
  const refusals = lines().filter((l) => l.error === 'state-unavailable');
  expect(refusals).toHaveLength(3);
  for (const line of refusals)
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- jest types its asymmetric matchers `any`
    expect(line).toMatchObject({ msg: 'request refused', status: 503, requestId: expect.any(String) });
  expect(JSON.stringify(refusals)).not.toContain('stack');
  const ready = await request(app).get('/ready').expect(503);
  const readiness = ready.body as Readiness;
  expect(readiness.status).toBe('unavailable');
  expect(readiness.reasons.join(' ')).toMatch(/redis .*JWT replay check/);
  await request(app).get('/health').expect(200);

  await proxy.restore();
  await until(() => shared.state().ok);
  await request(app).get('/ready').expect(200);
  // The token accepted before the outage is still remembered; a fresh one is accepted.
  expect((await call(used)).status).toBe(401);
  expect((await call(await token())).status).toBe(200);
}, 60_000);

test('JWTs off, Redis cut: patient-view still answers (no cache) and /ready stays 200 listing the degradation', async () => {
  const { app, shared } = appWith({ STS_MODE: 'development', LOG_LEVEL: 'silent', EMBEDDED_FHIR: 'false' });
  await until(() => shared.state().ok);
  const first = await request(app).post(SERVICE).send(body).expect(200);

  await proxy.cut();
  await until(() => !shared.state().ok);
  const during = await request(app).post(SERVICE).send(body).expect(200);
  expect(cdsResponseOf(during).cards.map((c: { summary: string }) => c.summary)).toEqual(
    cdsResponseOf(first).cards.map((c: { summary: string }) => c.summary),
  );
  const ready = await request(app).get('/ready').expect(200);
  expect(ready.body).toMatchObject({ status: 'ready', reasons: [expect.stringMatching(/result cache off/)] });
}, 60_000);
