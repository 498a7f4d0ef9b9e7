/**
 * Issue 15 item 9: explicit server timeouts and load shedding, against the real server (src/lifecycle/serve.ts) on
 * loopback, as its own process (a client in the same process would share its event loop). A burst of concurrent cold patient-views, far more than the service can answer within the queue deadline:
 * every request gets an answer, the excess a quick 503 with Retry-After and an OperationOutcome, and the accepted ones
 * stay fast. A client that sends its headers too slowly is cut off; an idle keep-alive connection is closed.
 */
import { connect } from 'node:net';
import type { RunningFhirServer } from '../../../src/embedded/index.js';
import { startServiceProcess, type ServiceProcess } from '../../helpers/service-process.js';
import { patientViewBody, prefetchOf, startDemoFhir } from '../../e2e/patient-view-fixtures-run.js';
import { cdsResponseOf, issueOf, outcomeOf } from '../../helpers/responses.js';

const QUEUE_DEADLINE_MS = 100;
const BURST = 600;

let fhir: RunningFhirServer;
let service: ServiceProcess;
/** A second process with tight client timeouts (under a burst they would cut off clients the loop has not read yet). */
let strict: ServiceProcess;
let prefetch: Record<string, unknown>;

beforeAll(async () => {
  fhir = await startDemoFhir();
  prefetch = await prefetchOf(fhir.url, 'sts-lms-1l');
  [service, strict] = await Promise.all([
    startServiceProcess(
      { MAX_CONCURRENT_REQUESTS: '2', QUEUE_DEADLINE_MS: String(QUEUE_DEADLINE_MS) },
      undefined,
      150_000,
    ),
    startServiceProcess(
      { HEADERS_TIMEOUT_MS: '500', REQUEST_TIMEOUT_MS: '1000', KEEP_ALIVE_TIMEOUT_MS: '300' },
      undefined,
      150_000,
    ),
  ]);
}, 180_000);

afterAll(async () => {
  expect(await service.kill('SIGTERM')).toBe(0);
  expect(await strict.kill('SIGTERM')).toBe(0);
  await fhir.close();
}, 60_000);

/** A patient-view body never seen before (the Patient's versionId differs), so no request is a cache hit. */
function coldBody(n: number): string {
  const copy = structuredClone(prefetch);
  Object.assign(copy.patient as object, { meta: { versionId: `burst-${n}` } });
  return JSON.stringify(patientViewBody('sts-lms-1l', { prefetch: copy }));
}

interface Answer {
  status: number;
  ms: number;
  retryAfter: string | null;
  type: string | null;
  /** The time the request waited in the service's queue (Server-Timing queue;dur). */
  queueMs: number | undefined;
  body: unknown;
}

async function post(body: string): Promise<Answer> {
  const t0 = performance.now();
  const res = await fetch(`${service.url}/cds-services/sts-pathway-patient-view`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    signal: AbortSignal.timeout(60_000),
  });
  const answer: unknown = await res.json();
  const queue = /queue;dur=(\d+)/.exec(res.headers.get('server-timing') ?? '');
  return {
    status: res.status,
    ms: performance.now() - t0,
    retryAfter: res.headers.get('retry-after'),
    type: res.headers.get('content-type'),
    queueMs: queue ? Number(queue[1]) : undefined,
    body: answer,
  };
}

test('a burst beyond capacity: the excess gets 503 + Retry-After quickly, the accepted stay fast, none hangs', async () => {
  // A few requests one at a time first: the service learns how long one takes.
  for (let i = 0; i < 4; i++) expect((await post(coldBody(-i))).status).toBe(200);

  const bodies = Array.from({ length: BURST }, (_, i) => coldBody(i));
  const results = await Promise.all(bodies.map(post));
  const ok = results.filter((r) => r.status === 200);
  const shed = results.filter((r) => r.status === 503);
  expect(ok.length + shed.length).toBe(BURST);
  expect(ok.length).toBeGreaterThan(0);
  expect(shed.length).toBeGreaterThan(0);
  for (const r of ok) expect(Array.isArray(cdsResponseOf(r).cards)).toBe(true);
  for (const r of shed) {
    expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(r.type).toMatch(/application\/fhir\+json/);
    expect(outcomeOf(r).resourceType).toBe('OperationOutcome');
    expect(issueOf(r)?.code).toBe('throttled');
    expect(issueOf(r)?.diagnostics).toMatch(/at capacity/);
  }
  // No accepted request waited in the service's queue past the deadline (timer granularity aside). Measured by the
  // service (Server-Timing): on a busy machine the test's own client adds its delays to what it sees.
  for (const r of ok) expect(r.queueMs).toBeLessThanOrEqual(QUEUE_DEADLINE_MS + 100);
  // The service logged the shedding, without request data.
  expect(service.lines.some((l) => l.includes('request shed: at capacity'))).toBe(true);
}, 60_000);

test('a client sending its headers too slowly is cut off (408) at HEADERS_TIMEOUT_MS', async () => {
  const t0 = performance.now();
  const { answer, closed } = await rawExchange('POST /cds-services/sts-pathway-patient-view HTTP/1.1\r\nHost: x\r\n');
  expect(closed).toBe(true);
  expect(answer).toMatch(/^HTTP\/1\.1 408/);
  expect(performance.now() - t0).toBeLessThan(3_000);
});

test('an idle keep-alive connection is closed after KEEP_ALIVE_TIMEOUT_MS', async () => {
  const t0 = performance.now();
  const { answer, closed } = await rawExchange('GET /health HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
  expect(answer).toMatch(/^HTTP\/1\.1 200/);
  expect(answer).toMatch(/Keep-Alive: timeout=0?\b/i);
  expect(closed).toBe(true);
  expect(performance.now() - t0).toBeLessThan(3_000);
});

/** Writes `text` on a fresh connection and collects what comes back until the server closes it (or 5 s pass). */
function rawExchange(text: string): Promise<{ answer: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(strict.port, '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ answer, closed: false });
    }, 5_000);
    socket.on('data', (d) => (answer += d.toString('latin1')));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ answer, closed: true });
    });
    socket.on('error', () => {});
    socket.write(text);
  });
}
