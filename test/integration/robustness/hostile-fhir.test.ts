/**
 * Issue 15 items 5-7: a hostile FHIR server's answer for one type makes that type unreadable on the cards, never a
 * 500, an empty type, a blocked event loop or unbounded memory: 6 million empty Bundle entries (18 MB), a brotli bomb
 * (60 MiB from a few hundred bytes), JSON nested 100,000 levels deep.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, constants } from 'node:zlib';
import request from 'supertest';
import type { CdsResponse } from '../../../src/shared/cds-hooks.js';
import { testApp } from '../../helpers/app.js';
import { CODES, McodePatient } from '../../fixtures/mcode/resources.js';
import { ago, prefetchOf } from '../../fixtures/mcode/http.js';

const app = testApp({ FHIR_TIMEOUT_MS: '8000', REQUEST_DEADLINE_MS: '9000' });

type Answer = { readonly body: Buffer; readonly encoding?: string };
// A metastatic LMS (cards for sure), whose Observations come from the hostile server.
const p = new McodePatient('hostile-1');
const resources = [
  p.patient('1962-12-12'),
  p.primary({ id: 'hostile-1-dx', icd10: CODES.thighIcd, extensionMorphology: CODES.lms, onset: ago(800) }),
  p.secondary({ id: 'hostile-1-met', primaryId: 'hostile-1-dx', onset: ago(300) }),
];
let hostile: http.Server;
let hostileUrl: string;
let answer: Answer = { body: Buffer.from('{}') };

beforeAll(async () => {
  hostile = http.createServer((_req, res) => {
    // One connection per answer: a kept-alive socket the server times out meanwhile would read as a reset.
    res.writeHead(200, {
      'content-type': 'application/fhir+json',
      connection: 'close',
      ...(answer.encoding ? { 'content-encoding': answer.encoding } : {}),
    });
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
  hostileUrl = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}/fhir`;
}, 60_000);
afterAll(async () => {
  hostile.closeAllConnections();
  await new Promise((resolve) => hostile.close(resolve));
});

/** patient-view with everything prefetched but the observations, which the hostile server answers. */
async function observationsFrom(body: Answer): Promise<{ status: number; body: CdsResponse; healthMaxMs: number }> {
  answer = body;
  const prefetch = prefetchOf(resources);
  delete prefetch.observations;
  // /health polled all along: the event loop must stay free while the answer is read.
  let polling = true;
  let healthMaxMs = 0;
  const poll = (async () => {
    while (polling) {
      const started = Date.now();
      expect((await request(app).get('/health')).status).toBeLessThan(600);
      healthMaxMs = Math.max(healthMaxMs, Date.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  const res = await request(app)
    .post('/cds-services/sts-pathway-patient-view')
    .send({
      hook: 'patient-view',
      hookInstance: 'b0b0b0b0-0000-4000-8000-00000000b0b0',
      fhirServer: hostileUrl,
      context: { userId: 'Practitioner/1', patientId: 'hostile-1' },
      prefetch,
    });
  polling = false;
  await poll;
  return { status: res.status, body: res.body as CdsResponse, healthMaxMs };
}

/** The "Observation" unreadable reason named by a card's facts (every card has them). */
function observationReason(body: CdsResponse): string {
  expect(body.cards.length).toBeGreaterThan(0);
  return JSON.stringify(body.cards.map((c) => c.extension));
}

test('6 million empty Bundle entries (18 MB): Observation unreadable (entry cap), /health answers promptly', async () => {
  const body = Buffer.from(`{"resourceType":"Bundle","type":"searchset","entry":[${'{},'.repeat(6_000_000)}{}]}`);
  const r = await observationsFrom({ body });
  expect(r.status).toBe(200);
  // Unguarded, walking the 6 million entries blocked the loop for ~8 s on a quiet machine; the cap stops reading at
  // entry 10,001. The bound leaves room for a busy machine (2.5 s seen at load 13), still half the unguarded block.
  expect(r.healthMaxMs).toBeLessThan(4_000);
  expect(observationReason(r.body)).toMatch(/too-many-entries: answer is a Bundle with more than 10000 entries/);
}, 60_000);

test('a brotli bomb (60 MiB from a few hundred bytes): decoding stops at FHIR_MAX_RESPONSE_BYTES, Observation unreadable', async () => {
  const inflated = Buffer.alloc(60 * 1024 * 1024, 0x20);
  inflated.write('{"resourceType":"Bundle","entry":[');
  const body = brotliCompressSync(inflated, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } });
  expect(body.length).toBeLessThan(100_000);
  const started = Date.now();
  const r = await observationsFrom({ body, encoding: 'br' });
  expect(r.status).toBe(200);
  expect(observationReason(r.body)).toMatch(/too-large: answer larger than 20000000 bytes/);
  expect(Date.now() - started).toBeLessThan(8_000);
}, 60_000);

test('JSON nested 100,000 levels deep: Observation unreadable (depth limit), not a 500', async () => {
  const body = Buffer.from(`{"resourceType":"Bundle","entry":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
  const r = await observationsFrom({ body });
  expect(r.status).toBe(200);
  expect(observationReason(r.body)).toMatch(/too-deep: answer is JSON nested more than 100 levels deep/);
}, 60_000);
