/**
 * Clinical QA, black-box over HTTP with no prefetch: the service reads mCODE-shaped data from a real FHIR server
 * (`fhirServer`, the embedded server on loopback) and answers as it does with the full prefetch.
 */
import type { Bundle, FhirResource } from 'fhir/r4.js';
import { testApp } from '../helpers/app.js';
import { startTestFhirServer, type TestFhirServer } from '../helpers/fhir-server.js';
import { CODES, McodePatient } from '../fixtures/mcode/resources.js';
import { NOW, ago, cardOf, fact, patientView, topics } from '../fixtures/mcode/http.js';

const app = testApp({}, () => NOW);
let fhir: TestFhirServer;

const transaction = (resources: readonly FhirResource[]): Bundle => ({
  resourceType: 'Bundle',
  type: 'transaction',
  entry: resources.map((resource) => ({
    resource,
    request: { method: 'PUT', url: `${resource.resourceType}/${resource.id ?? ''}` },
  })),
});

beforeAll(async () => {
  fhir = await startTestFhirServer();
}, 60_000);

afterAll(async () => {
  await fhir.close();
});

/** The same scenario through the prefetch and through the FHIR server; returns the latter. */
async function both(resources: FhirResource[]) {
  await fhir.load(transaction(resources));
  const viaPrefetch = await patientView(app, resources);
  const viaServer = await patientView(app, resources, fhir.url);
  expect(topics(viaServer)).toEqual(topics(viaPrefetch));
  expect(viaServer.cards.map((c) => c.summary)).toEqual(viaPrefetch.cards.map((c) => c.summary));
  return viaServer;
}

describe('patient-view from fhirServer', () => {
  test('an LPS at line 2 after product-coded doxorubicin in mg, with vitals in [in_i]/[lb_av], and a breast cancer with its own metastasis', async () => {
    const p = new McodePatient('qa-f-lps');
    const body = await both([
      p.patient('1957-07-07'),
      p.primary({ id: 'qa-f-lps-dx', icd10: CODES.retroIcd, onset: ago(700), verificationStatus: null }),
      p.histology('qa-f-lps-h', ago(690), CODES.lpsDediff, 'qa-f-lps-dx'),
      p.secondary({ id: 'qa-f-lps-met', primaryId: 'qa-f-lps-dx', onset: ago(400) }),
      p.primary({ id: 'qa-f-lps-bc', icd10: CODES.breastIcd, onset: '2015-03' }),
      p.secondary({ id: 'qa-f-lps-bcmet', primaryId: 'qa-f-lps-bc', onset: '2016' }),
      p.height('qa-f-lps-ht', ago(380), 65, '[in_i]'),
      p.weight('qa-f-lps-wt', ago(380), 150, '[lb_av]'),
      ...[360, 339, 318].map((d, i) => p.weight(`qa-f-lps-wt${i}`, ago(d), 150, '[lb_av]')),
      ...[360, 339, 318].map((d, i) => p.doxoProductAdmin(`qa-f-lps-d${i}`, ago(d), 130)),
      p.ecogInteger('qa-f-lps-ecog', ago(7), 1),
    ]);
    expect(topics(body)).toEqual(['M-2L-GEM-DOCE', 'M-TRIAL']);
    expect(
      Number(/^([\d.]+)/.exec(fact(cardOf(body, 'M-2L-GEM-DOCE'), 'Cumulative doxorubicin') ?? '')?.[1]),
    ).toBeCloseTo(220.8, 0);
  });

  test('a localized UPS of the arm with histology only in a 31206-6 Observation and a resection with performedPeriod', async () => {
    const p = new McodePatient('qa-f-ups');
    const body = await both([
      p.patient('1970-01-01'),
      p.primary({ id: 'qa-f-ups-dx', icd10: CODES.armIcd, onset: ago(120), clinicalStatus: null }),
      p.histology('qa-f-ups-h', ago(118), CODES.ups, 'qa-f-ups-dx'),
      p.mCategory('qa-f-ups-m', ago(110), CODES.cM0),
      p.stageGroup('qa-f-ups-s', ago(110), CODES.stageIIIC),
      p.surgery('qa-f-ups-surg', ago(20), { reasonId: 'qa-f-ups-dx' }),
    ]);
    expect(topics(body)).toEqual(['L-POST-RESECTION']);
  });
});
