import type { RunningFhirServer } from '../../src/embedded/index.js';
import { testApp } from '../helpers/app.js';
import { responseProblems } from '../helpers/card-checks.js';
import {
  FIXTURE_NOW,
  demoPatients,
  patientViewBody,
  postPatientView,
  prefetchOf,
  startDemoFhir,
} from './patient-view-fixtures-run.js';

let fhir: RunningFhirServer;
const app = testApp({ PUBLIC_BASE_URL: 'https://cds.example.org' }, () => FIXTURE_NOW);
const index = demoPatients();

beforeAll(async () => {
  fhir = await startDemoFhir();
}, 60_000);

afterAll(async () => {
  await fhir.close();
});

const view = async (patientId: string) => {
  const res = await postPatientView(
    app,
    patientViewBody(patientId, { prefetch: await prefetchOf(fhir.url, patientId) }),
  );
  expect(res.status).toBe(200);
  expect(responseProblems(res.body)).toEqual([]);
  return res.body;
};

describe('patient-view', () => {
  test.each(index.map((p) => [p.patientId, p.patientView] as const))(
    '%s gets one card per pathway node: %j',
    async (patientId, nodes) => {
      const body = await view(patientId);
      // The demo index lists the topics; the card order within a response is the decision's (not compared here).
      expect(body.cards.map((c) => c.source.topic?.code).sort()).toEqual([...nodes].sort());
    },
  );

  test('recommends LMS first line with draft orders and links the pathway page', async () => {
    const body = await view('sts-lms-1l');
    const [first] = body.cards;
    expect(first?.source.url).toBe('https://cds.example.org/pathway#M-LMS-1L-DOXO-TRAB');
    const suggestion = first?.suggestions?.[0];
    expect(suggestion !== undefined && 'isRecommended' in suggestion).toBe(false);
    expect(first?.detail).toMatch(/\*\*Based on\*\*/);
  });

  test('is quiet for a patient without an STS Condition', async () => {
    expect((await view('sts-none')).cards).toEqual([]);
  });
});
