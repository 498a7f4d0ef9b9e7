/**
 * Issue 15 item 8: a worker killed under load leaves no client connection hanging (WORKERS=2, src/cluster.ts). Under
 * autocannon load on loopback one worker gets SIGKILL: no request times out (hangs), at most the requests in flight on
 * that worker fail, the primary starts another worker, and the service answers afterwards.
 */
import { execFileSync } from 'node:child_process';
import autocannon from 'autocannon';
import type { RunningFhirServer } from '../../../src/embedded/index.js';
import { startClusterProcess, type ServiceProcess } from '../../helpers/service-process.js';
import { patientViewBody, prefetchOf, startDemoFhir } from '../../e2e/patient-view-fixtures-run.js';

const CONNECTIONS = 10;

let fhir: RunningFhirServer;
let service: ServiceProcess;
let body: string;

beforeAll(async () => {
  fhir = await startDemoFhir();
  body = JSON.stringify(patientViewBody('sts-lms-1l', { prefetch: await prefetchOf(fhir.url, 'sts-lms-1l') }));
  // Both workers listen before the load starts.
  service = await startClusterProcess(2);
}, 180_000);

afterAll(async () => {
  await service?.kill('SIGTERM');
  await fhir?.close();
}, 60_000);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The worker processes the primary says it started and that are still its children. */
function workerPids(): number[] {
  const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(service.child.pid)], { encoding: 'utf8' });
  const alive = new Set(children.split('\n').map((s) => Number(s.trim())));
  return service.lines
    .flatMap((l) => /^worker (\d+) started$/.exec(l)?.[1] ?? [])
    .map(Number)
    .filter((p) => alive.has(p));
}

test('SIGKILL to a worker under load: no hung request, only in-flight ones fail, a new worker takes over', async () => {
  const before = workerPids();
  expect(before).toHaveLength(2);
  const run = autocannon({
    url: `${service.url}/cds-services/sts-pathway-patient-view`,
    method: 'POST',
    // A new connection per request, as many EHR clients do: connections are being handed out when the worker dies.
    headers: { 'content-type': 'application/json', connection: 'close' },
    body,
    connections: CONNECTIONS,
    duration: 8,
    // A request unanswered for 4 s counts as hung (the kill comes 1.5 s in, so a hung request times out within the run;
    // answers are slower meanwhile, as the replacement worker starts on the same cores).
    timeout: 4,
  });
  await sleep(1_500);
  process.kill(before[0] as number, 'SIGKILL');
  const result = await run;
  expect(result.timeouts).toBe(0);
  // Each connection has at most one request in flight; those on the killed worker may fail, no more.
  expect(result.errors).toBeLessThanOrEqual(CONNECTIONS);
  expect(result['2xx']).toBeGreaterThan(0);
  expect(result.non2xx).toBe(0);
  // The primary replaced the worker, and the service answers.
  expect(service.lines.some((l) => l.includes(`worker ${before[0]} exited (SIGKILL); starting another`))).toBe(true);
  const after = await fetch(`${service.url}/cds-services/sts-pathway-patient-view`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  expect(after.status).toBe(200);
}, 90_000);
