/**
 * Issue 18, proved on loopback with real parts: HAProxy in front of two replicas sharing the machine's Redis and
 * PostgreSQL (./topology.ts). A token used on one replica is refused by the other; feedback posted through one is in
 * the report read through the other; under load, SIGTERM to a replica fails no request (it leaves the pool, finishes
 * what it has, flushes its card records and exits 0), SIGKILL fails at most the requests it had in flight; no
 * acknowledged feedback is ever lost.
 */
import { randomUUID } from 'node:crypto';
import { haproxyOrSkip } from '../../helpers/haproxy.js';
import {
  ADMIN_TOKEN,
  FEEDBACK,
  PATIENT_VIEW,
  feedbackBody,
  patientViewLoad,
  post,
  startTopology,
  type Topology,
} from './topology.js';

const run = haproxyOrSkip('test/integration/scale/replicas.test.ts');
const maybe = run ? describe : describe.skip;

/** Connections of the load: each has at most one request in flight. */
const CONNECTIONS = 8;
// Enough that the stopped replica's listener closes (SHUTDOWN_DELAY_MS after the signal) while the load still runs.
const AMOUNT = 1200;

let topology: Topology;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(what: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(200);
  }
}

/**
 * Patient-view load through HAProxy (a fresh JWT per request), with feedback posted through HAProxy alongside; when
 * `atResponse` responses have come, `act` runs (a signal to a replica). Returns autocannon's result and the feedback
 * outcomes.
 */
async function loadWhile(act: () => void, atResponse: number) {
  const tokens = await topology.bearers(PATIENT_VIEW, AMOUNT + 50);
  let seen = 0;
  const load = patientViewLoad(topology, tokens, AMOUNT, CONNECTIONS).on('response', () => {
    seen++;
    if (seen === atResponse) act();
  });
  const acked: string[] = [];
  const failed: number[] = [];
  let done = false;
  const feedback = (async () => {
    while (!done) {
      const card = randomUUID();
      const { status } = await post(
        `${topology.lb.url}${FEEDBACK}`,
        await topology.bearer(FEEDBACK),
        feedbackBody(card),
      );
      if (status === 200) acked.push(card);
      else failed.push(status);
    }
  })();
  const result = await load;
  done = true;
  await feedback;
  return { result, acked, failed };
}

maybe('two replicas behind HAProxy, sharing Redis and PostgreSQL', () => {
  beforeAll(async () => {
    topology = await startTopology('replicas');
  }, 240_000);

  afterAll(async () => {
    await topology?.close();
  }, 60_000);

  test('a token used on one replica is refused by the other (and through the load balancer)', async () => {
    const [a, b] = topology.replicas;
    const token = await topology.bearer(PATIENT_VIEW);
    expect((await post(`${a.url}${PATIENT_VIEW}`, token, topology.patientViewBody)).status).toBe(200);
    const replayed = await post(`${b.url}${PATIENT_VIEW}`, token, topology.patientViewBody);
    expect(replayed.status).toBe(401);
    expect(JSON.stringify(replayed.json)).toContain('jti');

    const viaLb = await topology.bearer(PATIENT_VIEW);
    expect((await post(`${topology.lb.url}${PATIENT_VIEW}`, viaLb, topology.patientViewBody)).status).toBe(200);
    for (let i = 0; i < 4; i++)
      expect((await post(`${topology.lb.url}${PATIENT_VIEW}`, viaLb, topology.patientViewBody)).status).toBe(401);
  }, 60_000);

  test('feedback posted through one replica is in the report read through the other', async () => {
    const [a, b] = topology.replicas;
    const shown = await post(`${a.url}${PATIENT_VIEW}`, await topology.bearer(PATIENT_VIEW), topology.patientViewBody);
    expect(shown.status).toBe(200);
    const card = (shown.json as { cards: { uuid: string }[] }).cards[0]?.uuid ?? '';
    expect((await post(`${a.url}${FEEDBACK}`, await topology.bearer(FEEDBACK), feedbackBody(card))).status).toBe(200);
    const report = async (): Promise<{ totals: { feedback: number; unmatchedFeedback: number } }> =>
      (await fetch(`${b.url}/adherence`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json() as Promise<{
        totals: { feedback: number; unmatchedFeedback: number };
      }>;
    // The card record is written by replica A's queue shortly after its answer; the feedback before its 200.
    expect((await report()).totals.feedback).toBe(1);
    await until(async () => (await report()).totals.unmatchedFeedback === 0, 30_000);
  }, 60_000);

  test('SIGTERM to a replica under load: no request fails, it exits 0 after flushing, no acknowledged feedback is lost', async () => {
    const [a] = topology.replicas;
    const before = await topology.storedResponses();
    const { result, acked, failed } = await loadWhile(() => void a.process.kill('SIGTERM'), AMOUNT / 5);
    expect(await a.process.exited).toBe(0);
    expect(a.process.lines.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
    expect(result.errors).toBe(0);
    expect(result.timeouts).toBe(0);
    expect(result.non2xx).toBe(0);
    expect(result['2xx']).toBe(AMOUNT);
    expect(failed).toEqual([]);
    expect(acked.length).toBeGreaterThan(0);
    const stored = await topology.storedFeedback();
    for (const card of acked) expect(stored.has(card)).toBe(true);
    // Every answered patient-view was recorded: the stopped replica flushed its queue before exiting.
    await until(async () => (await topology.storedResponses()) - before >= AMOUNT, 30_000);
    await topology.restart(0);
  }, 120_000);

  test('SIGKILL to a replica under load: at most its in-flight requests fail, no acknowledged feedback is lost', async () => {
    const [, b] = topology.replicas;
    const { result, acked, failed } = await loadWhile(() => void b.process.kill('SIGKILL'), AMOUNT / 5);
    expect(await b.process.exited).toBe('SIGKILL');
    expect(result.timeouts).toBe(0);
    // Each connection has at most one request in flight, so at most CONNECTIONS were on the killed replica.
    expect(result.errors + result.non2xx).toBeLessThanOrEqual(CONNECTIONS);
    expect(result['2xx']).toBeGreaterThanOrEqual(AMOUNT - CONNECTIONS);
    // The feedback loop has one request in flight at a time.
    expect(failed.length).toBeLessThanOrEqual(1);
    const stored = await topology.storedFeedback();
    for (const card of acked) expect(stored.has(card)).toBe(true);
    await topology.restart(1);
    expect(
      (await post(`${b.url}${PATIENT_VIEW}`, await topology.bearer(PATIENT_VIEW), topology.patientViewBody)).status,
    ).toBe(200);
  }, 120_000);
});
