import type { RunningFhirServer } from '../../src/embedded/index.js';
import { badRequest } from '../../src/errors.js';
import { testApp } from '../helpers/app.js';
import { responseProblems } from '../helpers/card-checks.js';
import { FIXTURE_NOW, prefetchOf, startDemoFhir } from './patient-view-fixtures-run.js';
import { draftOf, postOrders, topics } from './order-helpers.js';

let fhir: RunningFhirServer;
const app = testApp({}, () => FIXTURE_NOW);

beforeAll(async () => {
  fhir = await startDemoFhir();
}, 60_000);

afterAll(async () => {
  await fhir.close();
});

describe('order-select', () => {
  test('judges the selected drug, not the other drafts', async () => {
    const patientId = 'sts-lps-2l';
    const res = await postOrders(app, {
      patientId,
      drafts: [draftOf('pazopanib', patientId), draftOf('gemcitabine', patientId), draftOf('docetaxel', patientId)],
      selections: ['MedicationRequest/draft-gemcitabine'],
      prefetch: await prefetchOf(fhir.url, patientId),
    });
    expect(res.status).toBe(200);
    expect(responseProblems(res.body)).toEqual([]);
    expect(topics(res.body)).toContain('M-2L-GEM-DOCE');
    expect(topics(res.body)).not.toContain('S-PAZO-ADIPOCYTIC');
  });

  test('warns when the selected drug is blocked for the histology, offering the on-pathway options', async () => {
    const patientId = 'sts-lps-2l';
    const res = await postOrders(app, {
      patientId,
      drafts: [draftOf('pazopanib', patientId)],
      selections: ['MedicationRequest/draft-pazopanib'],
      prefetch: await prefetchOf(fhir.url, patientId),
    });
    expect(responseProblems(res.body)).toEqual([]);
    const card = res.body.cards.find((c) => c.source.topic?.code === 'S-PAZO-ADIPOCYTIC');
    expect(card?.indicator).toBe('critical');
    // Creates first, then one delete (resourceId a string) per blocked draft.
    expect(
      card?.suggestions?.every(
        (s) =>
          s.actions?.[0]?.type === 'create' &&
          s.actions.at(-1)?.type === 'delete' &&
          typeof s.actions.at(-1)?.resourceId === 'string',
      ),
    ).toBe(true);
  });

  test('a selection that is not among the draft orders is a 400 naming it', async () => {
    const patientId = 'sts-lps-2l';
    const res = await postOrders(app, {
      patientId,
      drafts: [draftOf('pazopanib', patientId)],
      selections: ['MedicationRequest/nope'],
      prefetch: await prefetchOf(fhir.url, patientId),
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject(
      badRequest("context.selections[0] 'MedicationRequest/nope' is not a resource of context.draftOrders", [
        'context.selections[0]',
      ]),
    );
  });
});
