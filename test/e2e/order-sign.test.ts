import type { RunningFhirServer } from '../../src/embedded/index.js';
import type { DrugKey } from '../../src/pathway/index.js';
import { overrideCodings } from '../../src/cards/index.js';
import { testApp } from '../helpers/app.js';
import { responseProblems } from '../helpers/card-checks.js';
import { FIXTURE_NOW, demoPatients, prefetchOf, startDemoFhir } from './patient-view-fixtures-run.js';
import { draftOf, postOrders, topics } from './order-helpers.js';

let fhir: RunningFhirServer;
const app = testApp({}, () => FIXTURE_NOW);
const index = demoPatients();

beforeAll(async () => {
  fhir = await startDemoFhir();
}, 60_000);

afterAll(async () => {
  await fhir.close();
});

const sign = async (patientId: string, drugs: readonly DrugKey[]) => {
  const res = await postOrders(app, {
    patientId,
    drafts: drugs.map((d) => draftOf(d, patientId)),
    prefetch: await prefetchOf(fhir.url, patientId),
  });
  expect(res.status).toBe(200);
  expect(responseProblems(res.body)).toEqual([]);
  return res.body;
};

describe('order-sign', () => {
  const cases = index.flatMap((p) =>
    p.orders.map((o) => [p.patientId, o.drugs.join(' + '), o.reaches, o.drugs] as const),
  );

  test.each(cases)('%s: drafting %s gives the %s card', async (patientId, _names, reaches, drugs) => {
    expect(topics(await sign(patientId, drugs))).toContain(reaches);
  });

  test('warns with alternatives when the drug is off pathway', async () => {
    const body = await sign('sts-lms-1l', ['imatinib']);
    const card = body.cards.find((c) => c.source.topic?.code === 'OFF-PATHWAY');
    expect(card?.indicator).toBe('warning');
    expect(card?.summary).toMatch(/^Order is off the STS pathway/);
    expect(card?.overrideReasons).toEqual(overrideCodings('OFF-PATHWAY'));
    expect(card?.suggestions?.length).toBeGreaterThan(0);
    for (const s of card?.suggestions ?? []) {
      expect(s).not.toHaveProperty('isRecommended');
      expect(s.actions?.at(-1)).toEqual(
        expect.objectContaining({ type: 'delete', resourceId: 'MedicationRequest/draft-imatinib' }),
      );
      expect(s.actions?.slice(0, -1).every((a) => a.type === 'create')).toBe(true);
    }
  });

  test('blocks olaratumab for any STS patient with a critical card', async () => {
    const body = await sign('sts-gist', ['olaratumab']);
    const card = body.cards.find((c) => c.source.topic?.code === 'S-OLARATUMAB');
    expect(card?.indicator).toBe('critical');
    expect(card?.overrideReasons).toEqual(overrideCodings('S-OLARATUMAB'));
  });

  test('an on-pathway order gets an info card without override reasons', async () => {
    const body = await sign('sts-lps-2l', ['gemcitabine', 'docetaxel']);
    const card = body.cards.find((c) => c.source.topic?.code === 'M-2L-GEM-DOCE');
    expect(card?.summary).toMatch(/^On the STS pathway: /);
    expect(card?.overrideReasons).toBeUndefined();
  });

  test('supportive drugs alone give no card', async () => {
    expect((await sign('sts-lms-1l', ['mesna', 'dexrazoxane'])).cards).toEqual([]);
  });

  test('is quiet for a patient without an STS Condition', async () => {
    expect((await sign('sts-none', ['pazopanib'])).cards).toEqual([]);
  });
});
