/**
 * The scale-out topology of issue 18 on loopback, with real parts: two service processes (replicas) sharing the
 * machine's Redis and PostgreSQL, HAProxy in front of them (test/helpers/haproxy.ts), JWTs required (a pinned ES384
 * key, a fresh token per call as an EHR sends them), the demo patient's full prefetch in each patient-view body.
 */
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import pg from 'pg';
import { patientViewBody, prefetchOf, startDemoFhir } from '../../e2e/patient-view-fixtures-run.js';
import { freePort, startHaproxy, type Haproxy } from '../../helpers/haproxy.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/postgres.js';
import { dropKeys, inspectRedis, testPrefix, TEST_REDIS_URL } from '../../helpers/redis.js';
import { startServiceProcess, type ServiceProcess } from '../../helpers/service-process.js';
import { makeKey, signToken } from '../security/jwt-fixtures.js';

export const EHR = 'https://ehr.example.org';
export const BASE = 'https://cds.example.org';
export const PATIENT_VIEW = '/cds-services/sts-pathway-patient-view';
export const FEEDBACK = `${PATIENT_VIEW}/feedback`;
export const ADMIN_TOKEN = 'scale-test-admin-token-0123456789';

export interface Replica {
  readonly port: number;
  readonly url: string;
  process: ServiceProcess;
}

export interface Topology {
  readonly replicas: readonly [Replica, Replica];
  readonly lb: Haproxy;
  readonly database: TestDatabase;
  readonly patientViewBody: string;
  /** `Authorization` of a fresh JWT for `path` (each jti used once). */
  bearer(path: string): Promise<string>;
  /** Tokens signed ahead, for load runs (signing in the request loop would be the bottleneck). */
  bearers(path: string, n: number): Promise<string[]>;
  /** Starts replica `i` again on its port (after a stop or kill). */
  restart(i: 0 | 1): Promise<void>;
  /** Card uuids of every feedback row in PostgreSQL. */
  storedFeedback(): Promise<Set<string>>;
  /** Hook responses recorded in PostgreSQL. */
  storedResponses(): Promise<number>;
  close(): Promise<void>;
}

/** Starts the whole topology; `redisUrl` lets a test put a TCP proxy between the replicas and Redis. */
export async function startTopology(label: string, redisUrl: string = TEST_REDIS_URL): Promise<Topology> {
  const prefix = testPrefix(label);
  const [fhir, database, key] = await Promise.all([
    startDemoFhir(),
    createTestDatabase(label.replace(/[^a-z0-9_]/gi, '_')),
    makeKey('ES384'),
  ]);
  let body: string;
  try {
    body = JSON.stringify(patientViewBody('sts-lms-1l', { prefetch: await prefetchOf(fhir.url, 'sts-lms-1l') }));
  } finally {
    // The bodies carry the whole prefetch: the replicas never call a FHIR server.
    await fhir.close();
  }
  const env: Record<string, string> = {
    AUTH: 'required',
    PUBLIC_BASE_URL: BASE,
    CDS_CLIENTS: JSON.stringify([{ iss: EHR, jwks: { keys: [key.publicJwk] }, fhirServers: [] }]),
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: prefix,
    DATABASE_URL: database.url,
    ADHERENCE_STORE: 'on',
    // Both replicas must give a patient the same pseudonym.
    PSEUDONYM_KEY: 'scale-test-pseudonym-key-0123456789abcdef',
    ADHERENCE_ADMIN_TOKEN: ADMIN_TOKEN,
    // Long enough for HAProxy's health check (every 250 ms) to take a stopping replica out before its listener closes.
    SHUTDOWN_DELAY_MS: '1500',
    SHUTDOWN_GRACE_MS: '15000',
    // This is about stopping and sharing, not shedding: two replicas on a loaded 2-core machine queue rather than refuse.
    QUEUE_DEADLINE_MS: '60000',
    MAX_QUEUED_REQUESTS: '2000',
  };
  const ports = [await freePort(), await freePort()];
  const start = (port: number): Promise<ServiceProcess> =>
    startServiceProcess({ ...env, PORT: String(port) }, 'src/server.ts', 150_000);
  const [a, b] = await Promise.all(ports.map(start));
  const replicas: [Replica, Replica] = [
    { port: ports[0] ?? 0, url: `http://127.0.0.1:${ports[0]}`, process: a as ServiceProcess },
    { port: ports[1] ?? 0, url: `http://127.0.0.1:${ports[1]}`, process: b as ServiceProcess },
  ];
  await Promise.all(replicas.map((r) => waitReady(r.url)));
  const lb = await startHaproxy(ports);
  await lb.waitAllUp();
  const db = new pg.Pool({ connectionString: database.url, max: 2 });
  const sign = (path: string): Promise<string> =>
    signToken({ key, iss: EHR, aud: `${BASE}${path}`, claims: { jti: randomUUID() } });
  return {
    replicas,
    lb,
    database,
    patientViewBody: body,
    bearer: async (path) => `Bearer ${await sign(path)}`,
    bearers: async (path, n) => {
      const out: string[] = [];
      for (let i = 0; i < n; i++) out.push(`Bearer ${await sign(path)}`);
      return out;
    },
    restart: async (i) => {
      const replica = replicas[i];
      await replica.process.kill('SIGKILL');
      replica.process = await start(replica.port);
      await waitReady(replica.url);
      await lb.waitAllUp();
    },
    storedFeedback: async () =>
      new Set(
        (await db.query<{ card_uuid: string }>('SELECT card_uuid FROM adherence.feedback')).rows.map(
          (r) => r.card_uuid,
        ),
      ),
    storedResponses: async () =>
      (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM adherence.hook_responses')).rows[0]?.n ?? 0,
    close: async () => {
      await lb.stop();
      await Promise.all(replicas.map((r) => r.process.kill('SIGTERM')));
      await db.end();
      await database.drop();
      const redis = inspectRedis();
      await dropKeys(redis, prefix);
      redis.disconnect();
    },
  };
}

/** Waits until GET /ready answers 200 (the engine loaded, Redis reachable). */
export async function waitReady(url: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(5_000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${url} not ready in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A feedback body for one card (an override without reason: CDS Hooks 2.0 allows it). */
export const feedbackBody = (card: string): string =>
  JSON.stringify({ feedback: [{ card, outcome: 'overridden', outcomeTimestamp: new Date().toISOString() }] });

/** POSTs `body` to `url` with a JWT; the status, or 0 when no HTTP answer came. */
export async function post(
  url: string,
  authorization: string,
  body: string,
): Promise<{ status: number; json: unknown }> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body,
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.status, json };
  } catch {
    return { status: 0, json: undefined };
  }
}

/**
 * Patient-view load through HAProxy, `amount` requests on `connections` connections, each with one of `tokens` (fresh
 * JWTs from `topology.bearers`, taken from the end; so the replay check never refuses one on its own). Listen to its
 * 'response' events; await it for autocannon's result. (Not async: the instance is a thenable and would be awaited.)
 */
export function patientViewLoad(
  topology: Topology,
  tokens: string[],
  amount: number,
  connections: number,
): autocannon.Instance {
  return autocannon({
    url: `${topology.lb.url}${PATIENT_VIEW}`,
    connections,
    amount,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        body: topology.patientViewBody,
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({
          ...req,
          headers: { ...req.headers, authorization: tokens.pop() ?? 'Bearer none-left' },
        }),
      },
    ],
  });
}
