/**
 * Issue 18: Redis cut away mid-run (a TCP proxy between the replicas and the machine's Redis, test/helpers/tcp-proxy.ts)
 * under patient-view load through HAProxy, with JWTs required. The documented choice (src/shared-state/README.md):
 * the replay check fails closed. So every call is answered at once, 200 before the cut and 503 during it (the
 * replica's own, with Retry-After and an OperationOutcome, or HAProxy's once both replicas report not ready), never a
 * hung or dropped connection; a token used before the cut is never accepted again, during or after it; feedback that
 * was acknowledged is in PostgreSQL; once Redis is back, both replicas are ready and answer 200 again.
 */
import { randomUUID } from 'node:crypto';
import { haproxyOrSkip } from '../../helpers/haproxy.js';
import { redisViaPort, TEST_REDIS_URL } from '../../helpers/redis.js';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy.js';
import {
  FEEDBACK,
  PATIENT_VIEW,
  feedbackBody,
  patientViewLoad,
  post,
  startTopology,
  waitReady,
  type Topology,
} from './topology.js';

const run = haproxyOrSkip('test/integration/scale/redis-outage.test.ts');
const maybe = run ? describe : describe.skip;

const CONNECTIONS = 8;
const AMOUNT = 1500;
/** Responses before Redis is cut, and refusals seen before it is restored. */
const CUT_AT = 200;
const RESTORE_AFTER_REFUSALS = 150;

let topology: Topology;
let proxy: TcpProxy;

maybe('Redis cut away under load, two replicas behind HAProxy', () => {
  beforeAll(async () => {
    proxy = await startTcpProxy('127.0.0.1', Number(new URL(TEST_REDIS_URL).port || 6379));
    topology = await startTopology('redis-outage', redisViaPort(proxy.port));
  }, 240_000);

  afterAll(async () => {
    await topology?.close();
    await proxy?.close();
  }, 60_000);

  test('every call is answered (200, or 503 while Redis is away), replays are never accepted, acknowledged feedback is kept', async () => {
    const [a] = topology.replicas;
    const usedBefore = await topology.bearer(PATIENT_VIEW);
    expect((await post(`${a.url}${PATIENT_VIEW}`, usedBefore, topology.patientViewBody)).status).toBe(200);

    const tokens = await topology.bearers(PATIENT_VIEW, AMOUNT + 50);
    const statuses = new Map<number, number>();
    let seen = 0;
    let refused = 0;
    let cut: Promise<void> | undefined;
    let restored: Promise<void> | undefined;
    const duringCut: Promise<{ status: number; json: unknown }>[] = [];
    const load = patientViewLoad(topology, tokens, AMOUNT, CONNECTIONS).on('response', (_client, status) => {
      seen++;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (seen === CUT_AT) cut = proxy.cut();
      if (status !== 200 && ++refused === RESTORE_AFTER_REFUSALS / 2) {
        // While Redis is away: the token used before, replayed to each replica directly, and through HAProxy.
        for (const url of [...topology.replicas.map((r) => r.url), topology.lb.url])
          duringCut.push(post(`${url}${PATIENT_VIEW}`, usedBefore, topology.patientViewBody));
      }
      // Restored once those replays have been answered, so they are answered during the outage.
      if (refused === RESTORE_AFTER_REFUSALS) restored = Promise.all([cut, ...duringCut]).then(() => proxy.restore());
    });
    const acked: string[] = [];
    let done = false;
    const feedback = (async () => {
      while (!done) {
        const card = randomUUID();
        if (
          (await post(`${topology.lb.url}${FEEDBACK}`, await topology.bearer(FEEDBACK), feedbackBody(card))).status ===
          200
        )
          acked.push(card);
      }
    })();
    const result = await load;
    done = true;
    await feedback;
    await (restored ?? proxy.restore());
    expect(refused).toBeGreaterThanOrEqual(RESTORE_AFTER_REFUSALS);

    // Every call answered: no connection error, no hung request, only 200s and 503s.
    expect(result.errors).toBe(0);
    expect(result.timeouts).toBe(0);
    expect([...statuses.keys()].sort()).toEqual([200, 503]);
    expect(statuses.get(200)).toBeGreaterThanOrEqual(CUT_AT - CONNECTIONS);
    // The replayed token was refused everywhere while Redis was away; a replica's own refusal says why and when to retry.
    const replays = await Promise.all(duringCut);
    expect(replays.map((r) => r.status)).toEqual([503, 503, 503]);
    for (const r of replays.slice(0, 2)) expect(JSON.stringify(r.json)).toContain('state-unavailable');

    // Redis back: both replicas ready, answering, and still refusing the token used before the cut.
    await Promise.all(topology.replicas.map((r) => waitReady(r.url)));
    for (const r of topology.replicas) {
      expect((await post(`${r.url}${PATIENT_VIEW}`, usedBefore, topology.patientViewBody)).status).toBe(401);
      expect(
        (await post(`${r.url}${PATIENT_VIEW}`, await topology.bearer(PATIENT_VIEW), topology.patientViewBody)).status,
      ).toBe(200);
    }
    const stored = await topology.storedFeedback();
    expect(acked.length).toBeGreaterThan(0);
    for (const card of acked) expect(stored.has(card)).toBe(true);
  }, 120_000);

  test('while Redis is away a replica says so: /ready 503 naming the reason, a hook call 503 with Retry-After; /health 200', async () => {
    const [a] = topology.replicas;
    await proxy.cut();
    try {
      let ready: Response | undefined;
      for (let i = 0; i < 100 && ready?.status !== 503; i++) {
        ready = await fetch(`${a.url}/ready`);
        if (ready.status !== 503) await new Promise((r) => setTimeout(r, 100));
      }
      expect(ready?.status).toBe(503);
      expect(JSON.stringify(await ready?.json())).toMatch(/redis .*JWT replay check/);
      const res = await fetch(`${a.url}${PATIENT_VIEW}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: await topology.bearer(PATIENT_VIEW) },
        body: topology.patientViewBody,
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(await res.json()).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'transient' }] });
      expect((await fetch(`${a.url}/health`)).status).toBe(200);
    } finally {
      await proxy.restore();
    }
    await waitReady(a.url);
  }, 60_000);
});
