/**
 * Issue 18: every log line written while serving a request carries that request's id (a sane incoming
 * `x-request-id`, else a new one, echoed in the response), also when many requests run at once and after the FHIR
 * calls and body parsing the request awaits; an incoming W3C `traceparent` is passed on to every FHIR call the
 * request makes as a child span (same trace id, new span id), with its `tracestate`; an invalid one is not.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import type { RunningFhirServer } from '../../../src/embedded/index.js';
import { createLogger } from '../../../src/log.js';
import { parseTraceparent } from '../../../src/observability/request-context.js';
import { patientViewBody, startDemoFhir } from '../../e2e/patient-view-fixtures-run.js';
import { testConfig } from '../../helpers/app.js';
import { authEnv } from '../security/jwt-fixtures.js';

const SERVICE = '/cds-services/sts-pathway-patient-view';
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';

let fhir: RunningFhirServer;
let recorder: Server;
let recorderUrl: string;
const seen: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  fhir = await startDemoFhir();
  // A FHIR server that records the headers of each call and passes it on to the demo server.
  recorder = createServer((req, res) => {
    seen.push(req.headers);
    fetch(`${fhir.url}${(req.url ?? '').replace(/^\/fhir/, '')}`, { headers: { accept: 'application/fhir+json' } })
      .then(async (r) => res.writeHead(r.status, { 'content-type': 'application/fhir+json' }).end(await r.text()))
      .catch(() => res.writeHead(502).end());
  });
  await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
  recorderUrl = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}/fhir`;
}, 60_000);

afterAll(async () => {
  recorder.closeAllConnections();
  await new Promise((resolve) => recorder.close(resolve));
  await fhir.close();
});

const capture = (): { lines: () => Record<string, unknown>[]; log: ReturnType<typeof createLogger> } => {
  const text: string[] = [];
  return {
    log: createLogger('info', { write: (s: string) => text.push(s) }),
    lines: () =>
      text
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
};

test('many requests at once: each log line carries its own request id; an insane id is replaced and the new one echoed', async () => {
  const { log, lines } = capture();
  const app = createApp({
    config: testConfig(
      authEnv([{ iss: 'https://ehr.example.org', jku: 'https://ehr.example.org/jwks', fhirServers: [] }]),
    ),
    log,
  });
  // No token: each call is refused with one log line naming its path.
  const ids = Array.from({ length: 30 }, (_, i) => `req-${i}`);
  const answers = await Promise.all(
    ids.map((id, i) => request(app).get(`/cds-services/svc-${i}`).set('x-request-id', id)),
  );
  answers.forEach((res, i) => expect(res.headers['x-request-id']).toBe(`req-${i}`));
  const refused = lines().filter((l) => l.msg === 'CDS client JWT rejected');
  expect(refused).toHaveLength(30);
  for (const line of refused) expect(line.requestId).toBe(`req-${String(line.path).replace('/cds-services/svc-', '')}`);

  const insane = await request(app).get('/cds-services/x').set('x-request-id', 'a b"}{\u00e9'.repeat(3));
  expect(insane.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  expect(lines().at(-1)?.requestId).toBe(insane.headers['x-request-id']);
  // Lines outside any request (start-up) carry none.
  expect(lines().find((l) => String(l.msg).startsWith('AUTH DISABLED'))).toBeUndefined();
});

test('a line written after the body is parsed and a FHIR call has failed still carries the request id', async () => {
  const { log, lines } = capture();
  const app = createApp({ config: testConfig(), log });
  // Nothing listens on port 1: the Patient query fails and the request is refused (412) with one line.
  const res = await request(app)
    .post(SERVICE)
    .set('x-request-id', 'ehr-call-42')
    .send(patientViewBody('sts-lms-1l', { fhirServer: 'http://127.0.0.1:1/fhir' }));
  expect(res.status).toBe(412);
  const refused = lines().filter((l) => l.msg === 'request refused');
  expect(refused).toHaveLength(1);
  expect(refused[0]?.requestId).toBe('ehr-call-42');
});

test('an incoming traceparent reaches every FHIR call as a child span with the tracestate; an invalid one is not passed on', async () => {
  const app = createApp({ config: testConfig(), log: createLogger('silent') });
  seen.length = 0;
  await request(app)
    .post(SERVICE)
    .set('traceparent', `00-${TRACE}-${PARENT}-01`)
    .set('tracestate', 'ehr=t61rcWkgMzE')
    .send(patientViewBody('sts-lms-1l', { fhirServer: recorderUrl }))
    .expect(200);
  expect(seen.length).toBeGreaterThanOrEqual(5);
  const spans = seen.map((h) => parseTraceparent(String(h.traceparent)));
  for (const span of spans) expect(span).toMatchObject({ traceId: TRACE, flags: '01' });
  const spanIds = spans.map((s) => s?.parentId);
  expect(spanIds).not.toContain(PARENT);
  expect(new Set(spanIds).size).toBe(spanIds.length);
  for (const h of seen) expect(h.tracestate).toBe('ehr=t61rcWkgMzE');

  for (const bad of [`00-${TRACE.toUpperCase()}-${PARENT}-01`, `00-${'0'.repeat(32)}-${PARENT}-01`, undefined]) {
    seen.length = 0;
    const call = request(app).post(SERVICE);
    if (bad !== undefined) void call.set('traceparent', bad).set('tracestate', 'ehr=x');
    await call.send(patientViewBody('sts-lms-1l', { fhirServer: recorderUrl })).expect(200);
    expect(seen.length).toBeGreaterThan(0);
    for (const h of seen) {
      expect(h.traceparent).toBeUndefined();
      expect(h.tracestate).toBeUndefined();
    }
  }
});
