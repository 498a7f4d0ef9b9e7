/**
 * The result cache over HTTP (src/cql/result-cache.ts): keyed on the patient data and what else the evaluation reads,
 * never on what differs per hook call. An EHR sends every call with a new hookInstance (CDS Hooks 2.0) and often a
 * new access token, so a key on the request's bytes would never be hit by a chart opened again.
 */
import request from 'supertest';
import { createApp } from '../../src/app.js';
import { createCqlEngine } from '../../src/cql/engine.js';
import { DEMO_DIR, readDemoBundles } from '../../src/embedded/index.js';
import { prefetchFromResources } from '../../src/fhir/prefetch.js';
import { createLogger } from '../../src/log.js';
import { testConfig } from '../helpers/app.js';

const config = testConfig();
const engine = createCqlEngine({ timeZone: config.timeZone });
const app = createApp({ config, log: createLogger('silent'), engine, clock: () => new Date('2026-11-23T12:00:00Z') });

async function patientViewBody(file: string, hookInstance = 'x-1'): Promise<Record<string, unknown>> {
  const demo = (await readDemoBundles(DEMO_DIR)).find((d) => d.file === file);
  const resources = (demo?.bundle.entry ?? []).flatMap((e) => (e.resource ? [e.resource] : []));
  const prefetch = prefetchFromResources(resources);
  const patientId = resources.find((r) => r.resourceType === 'Patient')?.id;
  return { hook: 'patient-view', hookInstance, context: { userId: 'Practitioner/1', patientId }, prefetch };
}

/** The answer without what differs per response: uuids, and the port supertest listens on (card links name it). */
const cardsOf = (res: { body: unknown }): string =>
  JSON.stringify(res.body)
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'uuid')
    .replace(/127\.0\.0\.1:\d+/g, 'host');

const post = (text: string) =>
  request(app).post('/cds-services/sts-pathway-patient-view').set('content-type', 'application/json').send(text);

describe('result cache keyed on the patient data', () => {
  test('the chart opened again (a new hookInstance, another user, other spacing) is answered from the cache, with the same cards', async () => {
    const first = await post(JSON.stringify(await patientViewBody('sts-lms-1l.json', 'open-1'))).expect(200);
    const hits = engine.cacheStats?.().hits ?? 0;
    const again = await patientViewBody('sts-lms-1l.json', 'open-2');
    again.context = { userId: 'Practitioner/2', patientId: (again.context as { patientId: string }).patientId };
    const second = await post(JSON.stringify(again, null, 2)).expect(200);
    expect(engine.cacheStats?.().hits).toBeGreaterThan(hits);
    expect(cardsOf(second)).toBe(cardsOf(first));
    expect((first.body as { cards: unknown[] }).cards.length).toBeGreaterThan(0);
  });

  test('a changed resource is a new key and a new answer: a changed chart is never answered from the cache', async () => {
    const body = await patientViewBody('sts-lms-1l.json', 'chart-a');
    const before = await post(JSON.stringify(body)).expect(200);
    const misses = engine.cacheStats?.().misses ?? 0;
    const prefetch = body.prefetch as Record<string, { resourceType: string; birthDate?: string }>;
    const patientKey = Object.keys(prefetch).find((k) => prefetch[k]?.resourceType === 'Patient')!;
    // 80 years older: the age fact (and so the cards) must change.
    prefetch[patientKey] = { ...prefetch[patientKey]!, birthDate: '1900-01-01' };
    const after = await post(JSON.stringify({ ...body, hookInstance: 'chart-b' })).expect(200);
    expect(engine.cacheStats?.().misses).toBeGreaterThan(misses);
    expect(cardsOf(after)).not.toBe(cardsOf(before));
  });

  test("another patient's chart never answers", async () => {
    const a = await post(JSON.stringify(await patientViewBody('sts-lms-1l.json'))).expect(200);
    const b = await post(JSON.stringify(await patientViewBody('sts-asps.json'))).expect(200);
    expect(cardsOf(b)).not.toBe(cardsOf(a));
  });
});
