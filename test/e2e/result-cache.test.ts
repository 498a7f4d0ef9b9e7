/**
 * The result cache over HTTP: a hook request whose data all came in the request is keyed on the request body's digest
 * (src/http/request-digest.ts), so the same body is answered from the cache, and any other body is evaluated afresh.
 */
import request from 'supertest';
import { createApp } from '../../src/app.js';
import { createCqlEngine } from '../../src/cql/engine.js';
import { DEMO_DIR, readDemoBundles } from '../../src/embedded/index.js';
import { PREFETCH_TEMPLATES, isReadTemplate, templateResourceType } from '../../src/fhir/prefetch.js';
import { createLogger } from '../../src/log.js';
import { testConfig } from '../helpers/app.js';

const config = testConfig();
const engine = createCqlEngine({ timeZone: config.timeZone });
const app = createApp({ config, log: createLogger('silent'), engine, clock: () => new Date('2026-11-23T12:00:00Z') });

async function patientViewBody(file: string): Promise<Record<string, unknown>> {
  const demo = (await readDemoBundles(DEMO_DIR)).find((d) => d.file === file);
  const resources = (demo?.bundle.entry ?? []).flatMap((e) => (e.resource ? [e.resource] : []));
  const prefetch: Record<string, unknown> = {};
  for (const [key, template] of Object.entries(PREFETCH_TEMPLATES)) {
    const ofType = resources.filter((r) => r.resourceType === templateResourceType(template));
    prefetch[key] = isReadTemplate(template)
      ? ofType[0]
      : { resourceType: 'Bundle', type: 'searchset', entry: ofType.map((resource) => ({ resource })) };
  }
  const patientId = resources.find((r) => r.resourceType === 'Patient')?.id;
  return { hook: 'patient-view', hookInstance: 'x-1', context: { userId: 'Practitioner/1', patientId }, prefetch };
}

/** The answer without what differs per response: uuids, and the port supertest listens on (card links name it). */
const cardsOf = (res: { body: unknown }): string =>
  JSON.stringify(res.body)
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'uuid')
    .replace(/127\.0\.0\.1:\d+/g, 'host');

const post = (text: string) =>
  request(app).post('/cds-services/sts-pathway-patient-view').set('content-type', 'application/json').send(text);

describe('result cache keyed on the request body', () => {
  test('the same body twice: the second is answered from the cache, with the same cards', async () => {
    const text = JSON.stringify(await patientViewBody('sts-lms-1l.json'));
    const first = await post(text).expect(200);
    const hits = engine.cacheStats?.().hits ?? 0;
    const second = await post(text).expect(200);
    expect(engine.cacheStats?.().hits).toBe(hits + 1);
    expect(cardsOf(second)).toBe(cardsOf(first));
    expect((first.body as { cards: unknown[] }).cards.length).toBeGreaterThan(0);
  });

  test('the same data in another body (other spacing) is evaluated again and answers the same', async () => {
    const body = await patientViewBody('sts-lms-1l.json');
    const compact = await post(JSON.stringify(body)).expect(200);
    const misses = engine.cacheStats?.().misses ?? 0;
    const spaced = await post(JSON.stringify(body, null, 2)).expect(200);
    expect(engine.cacheStats?.().misses).toBe(misses + 1);
    expect(cardsOf(spaced)).toBe(cardsOf(compact));
  });

  test("a changed resource in the body is a new key and a new answer: another patient's chart never answers", async () => {
    const a = await patientViewBody('sts-lms-1l.json');
    const b = await patientViewBody('sts-asps.json');
    const first = await post(JSON.stringify(a)).expect(200);
    const other = await post(JSON.stringify(b)).expect(200);
    expect(cardsOf(other)).not.toBe(cardsOf(first));
  });
});
