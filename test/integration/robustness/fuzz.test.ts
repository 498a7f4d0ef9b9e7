/**
 * Fuzzing the whole app over HTTP (fast-check): at least 10,000 generated requests per run. Every answer must be a
 * 2xx with a valid CDS Hooks body or a 4xx OperationOutcome; never a 5xx, never a hang; no prototype gets polluted.
 * Replay a failure with FUZZ_SEED=<seed> (printed on failure); FUZZ_RUNS scales the number of requests;
 * `npm run test:fuzz` runs a longer one with a random seed.
 */
import fc from 'fast-check';
import { loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/log.js';
import { startTestFhirServer, type TestFhirServer } from '../../helpers/fhir-server.js';
import { readDemoBundles } from '../../../src/embedded/demo-bundles.js';
import { DEMO_DIR } from '../../../src/embedded/index.js';
import { answerProblem, pollutionFound, send, serveApp, type RawRequest, type RunningApp } from './harness.js';
import { cdsRequest, feedbackRequest, orderRequest, prefetchRequest, rawRequest } from './arbitraries.js';

// A fixed seed by default, so CI runs the same requests every time; FUZZ_SEED=random (npm run test:fuzz) explores.
const FIXED_SEED = 20_261_202;
const SEED =
  process.env.FUZZ_SEED === undefined
    ? FIXED_SEED
    : process.env.FUZZ_SEED === 'random'
      ? Date.now() % 2_147_483_647
      : Number(process.env.FUZZ_SEED);
const TOTAL = process.env.FUZZ_RUNS !== undefined ? Number(process.env.FUZZ_RUNS) : 10_200;
/** Share of the runs per property (sums to 1). */
const runs = (share: number): number => Math.max(1, Math.round(TOTAL * share));
const PER_REQUEST_TIMEOUT_MS = 10_000;

let app: RunningApp;
let fhir: TestFhirServer;
let sent = 0;
const appErrors: string[] = [];
const statuses = new Map<number, number>();

beforeAll(async () => {
  const config = loadConfig({
    STS_MODE: 'development',
    LOG_LEVEL: 'silent',
    EMBEDDED_FHIR: 'false',
    FHIR_TIMEOUT_MS: '500',
    REQUEST_DEADLINE_MS: '2000',
  });
  // Errors the app logs (with their stack) explain a 500 better than the response does.
  app = await serveApp({ config, log: createLogger('warn', { write: (line: string) => void appErrors.push(line) }) });
  // A real FHIR server with the seed patients: requests that drop prefetch keys make the service fetch them.
  fhir = await startTestFhirServer();
  for (const demo of await readDemoBundles(DEMO_DIR)) await fhir.load(demo.bundle);
});

afterAll(async () => {
  await app.close();
  await fhir.close();
  process.stdout.write(
    `fuzz: ${sent} requests, seed ${SEED}, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}\n`,
  );
});

/** Sends every generated request; a problem fails the property (fast-check then shrinks it). */
async function check(property: string, arb: fc.Arbitrary<RawRequest>, numRuns: number): Promise<void> {
  if (process.env.FUZZ_SURVEY !== undefined) return survey(property, arb, numRuns);
  try {
    await fc.assert(
      fc.asyncProperty(arb, async (req) => {
        sent += 1;
        const answer = await send(app.base, req, PER_REQUEST_TIMEOUT_MS).catch((err: unknown) => {
          throw new Error(`no answer within ${PER_REQUEST_TIMEOUT_MS} ms or connection failed: ${String(err)}`);
        });
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        const problem = answerProblem(req.path, answer);
        if (problem) {
          const logged = appErrors.at(-1)?.slice(0, 2_000) ?? 'nothing logged';
          throw new Error(
            `${req.path} ${req.contentType ?? ''}: ${problem}\napp log: ${logged}\nbody: ${req.body.slice(0, 1_500)}`,
          );
        }
      }),
      { seed: SEED, numRuns, endOnFailure: process.env.FUZZ_SHRINK === undefined },
    );
  } catch (err) {
    process.stderr.write(`\n${property} failed: replay with FUZZ_SEED=${SEED}\n`);
    throw err;
  }
}

/** FUZZ_SURVEY=1: send every request and list each distinct failure (by its logged message) instead of stopping. */
async function survey(property: string, arb: fc.Arbitrary<RawRequest>, numRuns: number): Promise<void> {
  const failures = new Map<string, { count: number; example: string }>();
  for (const req of fc.sample(arb, { seed: SEED, numRuns })) {
    sent += 1;
    const before = appErrors.length;
    const started = performance.now();
    const answer = await send(app.base, req, PER_REQUEST_TIMEOUT_MS).catch((err: unknown) => ({
      status: 0,
      contentType: '',
      text: String(err),
    }));
    const ms = performance.now() - started;
    if (ms > 1_000)
      process.stdout.write(
        `[${property}] slow ${Math.round(ms)} ms HTTP ${answer.status}: ${req.body.length} chars, longest run ${Math.max(...(req.body.match(/x{1000,}|(?:\d+,){500,}/g) ?? ['']).map((m) => m.length))}, entries ${(req.body.match(/"resource":/g) ?? []).length}\n`,
      );
    statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    const problem = answerProblem(req.path, answer);
    if (!problem) continue;
    const logged = appErrors
      .slice(before)
      .join('')
      .replace(/"time":"[^"]*",/g, '')
      .slice(0, 1_200);
    const key = logged.replace(/\\n.*/s, '') || problem.slice(0, 200);
    const seen = failures.get(key);
    failures.set(key, {
      count: (seen?.count ?? 0) + 1,
      example: seen?.example ?? `${problem.slice(0, 300)}\n${logged}\n${req.body.slice(0, 800)}`,
    });
  }
  for (const [key, f] of failures) process.stdout.write(`\n[${property}] x${f.count} ${key}\n${f.example}\n`);
  expect([...failures.keys()]).toEqual([]);
}

describe('fuzzing the app over HTTP', () => {
  test('CDS requests with wrong types, unknown, prototype and duplicate keys at every field', async () => {
    await check('cds requests', cdsRequest(fhir.url), runs(0.2));
  }, 300_000);

  test('prefetch with wrong-typed FHIR fields, resources of the wrong type and Bundles of thousands of entries', async () => {
    await check('prefetch', prefetchRequest, runs(0.05));
  }, 300_000);

  test('order-select and order-sign with garbage draftOrders and selections', async () => {
    await check('orders', orderRequest, runs(0.06));
  }, 300_000);

  test('raw bodies: truncated, corrupted, deeply nested, odd content types', async () => {
    await check('raw', rawRequest, runs(0.37));
  }, 300_000);

  test('feedback garbage', async () => {
    await check('feedback', feedbackRequest, runs(0.32));
  }, 300_000);

  test('after the run the app still answers and no prototype is polluted', async () => {
    const health = await fetch(`${app.base}/health`);
    expect(health.status).toBe(200);
    expect(pollutionFound()).toEqual([]);
  });
});
