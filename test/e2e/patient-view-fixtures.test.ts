import { existsSync, readFileSync } from 'node:fs';
import type { RunningFhirServer } from '../../src/embedded/index.js';
import { responseProblems } from '../helpers/card-checks.js';
import {
  FIXTURE_DIR,
  demoPatients,
  fixtureApp,
  normalise,
  patientViewBody,
  postPatientView,
  prefetchOf,
  startDemoFhir,
} from './patient-view-fixtures-run.js';

let fhir: RunningFhirServer;
const app = fixtureApp();

beforeAll(async () => {
  fhir = await startDemoFhir();
}, 60_000);

afterAll(async () => {
  await fhir.close();
});

const expected = (patientId: string): unknown => {
  const file = `${FIXTURE_DIR}${patientId}.json`;
  if (!existsSync(file)) throw new Error(`no fixture ${file}: run npx tsx scripts/update-card-fixtures.ts`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { cards: unknown }).cards;
};

describe('patient-view cards of the demo patients', () => {
  test.each(demoPatients().map((p) => [p.patientId, p.name]))(
    '%s (%s): the same expected cards with full prefetch and with no prefetch',
    async (patientId) => {
      const viaPrefetch = await postPatientView(
        app,
        patientViewBody(patientId, { prefetch: await prefetchOf(fhir.url, patientId) }),
      );
      const viaFhirServer = await postPatientView(app, patientViewBody(patientId, { fhirServer: fhir.url }));
      expect(viaPrefetch.status).toBe(200);
      expect(viaFhirServer.status).toBe(200);
      expect(responseProblems(viaPrefetch.body)).toEqual([]);
      expect(responseProblems(viaFhirServer.body)).toEqual([]);
      expect(normalise(viaPrefetch.body.cards)).toEqual(expected(patientId));
      expect(normalise(viaFhirServer.body.cards)).toEqual(expected(patientId));
    },
  );
});
