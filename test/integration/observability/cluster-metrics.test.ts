/**
 * Issue 18: with WORKERS=2 a scrape of GET /metrics reaches one worker at random, and answers for both (prom-client
 * AggregatorRegistry through the primary, src/observability/cluster-metrics.ts): every scrape reports the same total
 * of the requests both workers served, never one worker's share.
 */
import { startClusterProcess, type ServiceProcess } from '../../helpers/service-process.js';

const REQUESTS = 120;
let service: ServiceProcess;

beforeAll(async () => {
  service = await startClusterProcess(2);
}, 180_000);

afterAll(async () => {
  await service?.kill('SIGTERM');
}, 60_000);

test('every scrape, whichever worker answers it, counts the requests of both workers', async () => {
  expect(service.lines.filter((l) => l.includes('listening'))).toHaveLength(2);
  // A new connection per request, ten at a time: the two workers race to accept them.
  const queue = Array.from({ length: REQUESTS }, (_, i) => i);
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (queue.pop() !== undefined) {
        const res = await fetch(`${service.url}/cds-services`, {
          headers: { connection: 'close' },
          signal: AbortSignal.timeout(30_000),
        });
        expect(res.status).toBe(200);
        await res.arrayBuffer();
      }
    }),
  );
  for (let i = 0; i < 8; i++) {
    const res = await fetch(`${service.url}/metrics`, {
      headers: { connection: 'close' },
      signal: AbortSignal.timeout(30_000),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(
      new RegExp(`^cds_http_requests_total\\{service="discovery",status="200"\\} ${REQUESTS}$`, 'm'),
    );
  }
}, 120_000);
