/**
 * Clinical QA, black-box over HTTP: the §2 tie, recency and shape rules at their edges (conservative ties, old low
 * LVEF, ranges, same-day BSA, stage.summary, C77 nodes, merged Conditions) and the remaining order-time rules.
 */
import type { FhirResource } from 'fhir/r4.js';
import { testApp } from '../helpers/app.js';
import { CODES, McodePatient, SYS } from '../fixtures/mcode/resources.js';
import { NOW, ago, cardOf, draft, fact, orders, patientView, topics } from '../fixtures/mcode/http.js';

const app = testApp({ PUBLIC_BASE_URL: 'https://cds.example.org' }, () => NOW);

function metastatic(
  id: string,
  morph: [string, string],
  extra: (p: McodePatient) => FhirResource[] = () => [],
  icd10: [string, string] = CODES.thighIcd,
): FhirResource[] {
  const p = new McodePatient(id);
  return [
    p.patient('1962-12-12'),
    p.primary({ id: `${id}-dx`, icd10, extensionMorphology: morph, onset: ago(800) }),
    p.mCategory(`${id}-m`, ago(300), CODES.cM1),
    ...extra(p),
  ];
}

describe('§2 latest values and ties', () => {
  test('two ECOG values on the same day (1 and 3): the more conservative 3 counts', async () => {
    const body = await patientView(
      app,
      metastatic('qa-e-ecogtie', CODES.synovial, (p) => [
        p.ecogInteger('qa-e-ecogtie-a', `${ago(3)}T09:00:00Z`, 1),
        p.ecogInteger('qa-e-ecogtie-b', `${ago(3)}T09:00:00Z`, 3),
      ]),
    );
    expect(cardOf(body, 'M-1L-DOXO').indicator).toBe('warning');
    expect(fact(cardOf(body, 'M-1L-DOXO'), 'ECOG')).toBe('3');
  });

  test('two LVEF values on the same day (45 and 60): the lower counts and doxorubicin is replaced', async () => {
    const body = await patientView(
      app,
      metastatic('qa-e-lveftie', CODES.synovial, (p) => [
        p.lvef('qa-e-lveftie-a', ago(3), 60),
        p.lvef('qa-e-lveftie-b', ago(3), 45),
      ]),
    );
    expect(topics(body)).toEqual(['D-ANTHRACYCLINE-CONTRAINDICATED', 'M-2L-GEM-DOCE', 'M-TRIAL']);
  });

  test('a low LVEF counts whatever its age (400 days)', async () => {
    const body = await patientView(
      app,
      metastatic('qa-e-lvefold', CODES.synovial, (p) => [p.lvef('qa-e-lvefold-a', ago(400), 40)]),
    );
    expect(topics(body)).toContain('D-ANTHRACYCLINE-CONTRAINDICATED');
  });

  test('an LVEF given as a valueRange counts by its low value', async () => {
    const range: FhirResource = {
      resourceType: 'Observation',
      id: 'qa-e-range-lvef',
      status: 'amended',
      code: { coding: [{ system: SYS.loinc, code: '10230-1' }] },
      subject: { reference: 'Patient/qa-e-range' },
      issued: `${ago(5)}T10:00:00Z`,
      valueRange: {
        low: { value: 45, unit: '%', system: SYS.ucum, code: '%' },
        high: { value: 55, unit: '%', system: SYS.ucum, code: '%' },
      },
    };
    const body = await patientView(app, [...metastatic('qa-e-range', CODES.synovial), range]);
    expect(topics(body)).toContain('D-ANTHRACYCLINE-CONTRAINDICATED');
  });

  test('an old normal LVEF is shown as not usable ("not recent") and blocks nothing', async () => {
    const body = await patientView(
      app,
      metastatic('qa-e-lvef-stale', CODES.synovial, (p) => [p.lvef('qa-e-lvef-stale-a', ago(200), 65)]),
    );
    expect(topics(body)).toEqual(['M-1L-DOXO', 'M-TRIAL']);
    expect(fact(cardOf(body, 'M-1L-DOXO'), 'LVEF')).toBe('65 % (not usable: not recent)');
    expect(cardOf(body, 'M-1L-DOXO').detail).toContain(
      'no usable LVEF (not recent): assess LVEF (echocardiography or MUGA) before the next anthracycline dose',
    );
  });

  test('no LVEF at all: the doxorubicin card says no usable LVEF was found (F7 wording)', async () => {
    const body = await patientView(app, metastatic('qa-e-nolvef', CODES.synovial));
    expect(cardOf(body, 'M-1L-DOXO').detail).toContain(
      'no usable LVEF (none found): assess LVEF (echocardiography or MUGA) before the next anthracycline dose',
    );
  });

  test('a same-day BSA Observation in m^2 is used for a dose in mg', async () => {
    const body = await patientView(
      app,
      metastatic('qa-e-bsa', CODES.synovial, (p) => [
        {
          resourceType: 'Observation',
          id: 'qa-e-bsa-bsa',
          status: 'final',
          code: { coding: [{ system: SYS.loinc, code: '8277-6' }] },
          subject: { reference: 'Patient/qa-e-bsa' },
          effectiveDateTime: ago(200),
          valueQuantity: { value: 2, unit: 'm^2', system: SYS.ucum, code: 'm^2' },
        },
        p.doxoProductAdmin('qa-e-bsa-d', ago(200), 150),
      ]),
    );
    expect(fact(cardOf(body, 'M-2L-GEM-DOCE'), 'Cumulative doxorubicin')).toBe(
      `75 mg/m² as recorded in this record (1 administration, ${ago(200)})`,
    );
  });

  test('a dose in mg with no height, weight or BSA: at least 0, the administration not counted (no BSA)', async () => {
    const body = await patientView(
      app,
      metastatic('qa-e-nobsa', CODES.synovial, (p) => [p.doxoProductAdmin('qa-e-nobsa-d', ago(200), 150)]),
    );
    expect(fact(cardOf(body, 'M-2L-GEM-DOCE'), 'Cumulative doxorubicin')).toBe(
      `at least 0 mg/m² as recorded in this record (1 administration, ${ago(200)}); ` +
        `not counted: MedicationAdministration/qa-e-nobsa-d, ${ago(200)}, no BSA`,
    );
  });
});

describe('F3 / F1 shapes at their edges', () => {
  test('stage IV as the STS Condition stage.summary is metastatic', async () => {
    const p = new McodePatient('qa-e-summary');
    const body = await patientView(app, [
      p.patient('1960-01-01'),
      p.primary({
        id: 'qa-e-summary-dx',
        icd10: CODES.thighIcd,
        extensionMorphology: CODES.synovial,
        onset: ago(100),
        stageSummary: {
          coding: [
            {
              system: SYS.sct,
              code: '1222817001',
              display: 'American Joint Committee on Cancer stage IV (qualifier value)',
            },
          ],
        },
      }),
    ]);
    expect(topics(body)).toEqual(['M-1L-DOXO', 'M-TRIAL']);
  });

  test('a C77 lymph-node metastasis of a retroperitoneal STS is metastatic; the IIIB staging (to verify in PATHWAY.md) is not shown', async () => {
    const p = new McodePatient('qa-e-c77');
    const body = await patientView(app, [
      p.patient('1960-01-01'),
      p.primary({ id: 'qa-e-c77-dx', icd10: CODES.retroIcd, extensionMorphology: CODES.lpsDediff, onset: ago(100) }),
      p.secondary({
        id: 'qa-e-c77-met',
        primaryId: 'qa-e-c77-dx',
        code: {
          system: SYS.icd10,
          code: 'C77.2',
          display: 'Secondary and unspecified malignant neoplasm of intra-abdominal lymph nodes',
        },
        onset: ago(50),
      }),
    ]);
    expect(topics(body)).toEqual(['M-1L-DOXO', 'M-TRIAL']);
    expect(cardOf(body, 'M-1L-DOXO').detail).not.toMatch(/IIIB|to verify/);
  });

  test('two confirmed STS Conditions with LMS and LPS: D-HISTOLOGY-CONFLICT naming both', async () => {
    const p = new McodePatient('qa-e-two');
    const body = await patientView(app, [
      p.patient('1960-01-01'),
      p.primary({ id: 'qa-e-two-a', icd10: CODES.thighIcd, extensionMorphology: CODES.lms, onset: ago(300) }),
      p.primary({ id: 'qa-e-two-b', icd10: CODES.retroIcd, extensionMorphology: CODES.lpsDediff, onset: ago(100) }),
      p.mCategory('qa-e-two-m', ago(50), CODES.cM1, { focus: [{ reference: 'Condition/qa-e-two-a' }] }),
    ]);
    expect(topics(body)).toEqual(['D-HISTOLOGY-CONFLICT']);
    const detail = cardOf(body, 'D-HISTOLOGY-CONFLICT').detail ?? '';
    expect(detail).toMatch(/8890\/3/);
    expect(detail).toMatch(/8858\/3/);
  });

  test('a peritoneal carcinoma (C48.2 with adenocarcinoma 8140/3) is not an STS: no cards', async () => {
    const p = new McodePatient('qa-e-carc');
    const body = await patientView(app, [
      p.patient('1960-01-01'),
      p.primary({
        id: 'qa-e-carc-dx',
        icd10: ['C48.2', 'Malignant neoplasm of peritoneum, unspecified'],
        extensionMorphology: ['8140/3', 'Adenocarcinoma, NOS'],
        onset: ago(100),
      }),
      p.mCategory('qa-e-carc-m', ago(50), CODES.cM1),
    ]);
    expect(body.cards).toEqual([]);
  });

  test('a clear cell sarcoma (9044/3) on a §7.1 Condition: X-UNCOVERED naming it', async () => {
    const p = new McodePatient('qa-e-ccs');
    const body = await patientView(app, [
      p.patient('1960-01-01'),
      p.primary({
        id: 'qa-e-ccs-dx',
        icd10: CODES.thighIcd,
        icdo3: ['9044/3', 'Clear cell sarcoma, NOS'],
        onset: ago(100),
      }),
      p.mCategory('qa-e-ccs-m', ago(50), CODES.cM1),
    ]);
    expect(topics(body)).toEqual(['X-UNCOVERED']);
    expect(cardOf(body, 'X-UNCOVERED').detail).toMatch(
      /Clear cell sarcoma, NOS \(9044\/3\) is not covered by this pathway; no regimen is suggested/,
    );
  });

  test('a desmoid (D48.1 + 8821/1) is an STS by histology: X-SPECIALTY', async () => {
    const p = new McodePatient('qa-e-desmoid');
    const body = await patientView(app, [
      p.patient('1990-01-01'),
      p.primary({
        id: 'qa-e-desmoid-dx',
        icd10: ['D48.1', 'Neoplasm of uncertain behavior of connective and other soft tissue'],
        extensionMorphology: ['8821/1', 'Aggressive fibromatosis'],
        onset: ago(100),
      }),
    ]);
    expect(topics(body)).toEqual(['X-SPECIALTY']);
    expect(cardOf(body, 'X-SPECIALTY').detail).toMatch(/nirogacestat/);
  });

  test('no options left (LPS after doxorubicin, gemcitabine + docetaxel, trabectedin and eribulin): only the trial card, with its referral', async () => {
    const body = await patientView(
      app,
      metastatic(
        'qa-e-noleft',
        CODES.lpsDediff,
        (p) => [
          p.admin('qa-e-noleft-d', ago(500), CODES.rxDoxo, { doseMgM2: 75 }),
          p.admin('qa-e-noleft-g', ago(400), CODES.rxGem),
          p.admin('qa-e-noleft-t', ago(400), CODES.rxDoce),
          p.admin('qa-e-noleft-tr', ago(300), ['0', 'trabectedin']),
          p.statement('qa-e-noleft-er', ago(200), 'eribulin mesylate', { end: ago(100) }),
        ],
        CODES.retroIcd,
      ),
    );
    expect(topics(body)).toEqual(['M-TRIAL']);
    expect(cardOf(body, 'M-TRIAL').suggestions?.map((s) => 'isRecommended' in s)).toEqual([false]);
  });
});

describe('order time: the remaining rules', () => {
  test('eribulin for LMS: S-ERIBULIN-NON-LPS warning', async () => {
    const res = metastatic('qa-e-eri', CODES.lms, (p) => [p.lvef('qa-e-eri-l', ago(3), 60)]);
    const body = await orders(app, res, [draft('d-eri', 'qa-e-eri', 'eribulin')]);
    expect(topics(body)).toEqual(['S-ERIBULIN-NON-LPS']);
    expect(cardOf(body, 'S-ERIBULIN-NON-LPS').indicator).toBe('warning');
  });

  test('pembrolizumab for a localized UPS of the thigh: on pathway under L-NEOADJ-UPS-PEMBRO-RT', async () => {
    const p = new McodePatient('qa-e-upsloc');
    const res = [
      p.patient('1960-01-01'),
      p.primary({ id: 'qa-e-upsloc-dx', icd10: CODES.thighIcd, extensionMorphology: CODES.ups, onset: ago(40) }),
      p.mCategory('qa-e-upsloc-m', ago(30), CODES.cM0),
      p.grade('qa-e-upsloc-g', ago(35), CODES.grade3),
    ];
    const body = await orders(
      app,
      res,
      [draft('d-pem', 'qa-e-upsloc', 'pembrolizumab', '1547545')],
      ['MedicationRequest/d-pem'],
    );
    expect(topics(body)).toEqual(['L-NEOADJ-UPS-PEMBRO-RT']);
  });

  test('pembrolizumab for a localized LMS: S-PEMBRO-SETTING', async () => {
    const p = new McodePatient('qa-e-lmsloc');
    const res = [
      p.patient('1960-01-01'),
      p.primary({ id: 'qa-e-lmsloc-dx', icd10: CODES.thighIcd, extensionMorphology: CODES.lms, onset: ago(40) }),
      p.mCategory('qa-e-lmsloc-m', ago(30), CODES.cM0),
    ];
    const body = await orders(app, res, [draft('d-pem', 'qa-e-lmsloc', 'pembrolizumab', '1547545')]);
    expect(topics(body)).toEqual(['S-PEMBRO-SETTING']);
  });

  test('order-select of doxorubicin while trabectedin is also drafted (LMS line 1): judged as the combination', async () => {
    const res = metastatic('qa-e-sel', CODES.lms, (p) => [p.lvef('qa-e-sel-l', ago(3), 60)]);
    const body = await orders(
      app,
      res,
      [draft('d1', 'qa-e-sel', 'doxorubicin', '3639'), draft('d2', 'qa-e-sel', 'trabectedin')],
      ['MedicationRequest/d1'],
    );
    expect(topics(body)).toEqual(['M-LMS-1L-DOXO-TRAB']);
  });

  test('olaratumab for a pediatric patient: S-OLARATUMAB only', async () => {
    const p = new McodePatient('qa-e-peds');
    const res = [
      p.patient('2012-02-02'),
      p.primary({
        id: 'qa-e-peds-dx',
        icd10: CODES.thighIcd,
        extensionMorphology: ['8910/3', 'Embryonal rhabdomyosarcoma, NOS'],
        onset: ago(40),
      }),
    ];
    const ola = await orders(app, res, [draft('d-ola', 'qa-e-peds', 'olaratumab')]);
    expect(topics(ola)).toEqual(['S-OLARATUMAB']);
    const gem = await orders(app, res, [draft('d-gem', 'qa-e-peds', 'gemcitabine', '12574')]);
    expect(gem.cards).toEqual([]);
  });
});

describe('§2 unreadable data (a prefetch key is an OperationOutcome, no fhirServer)', () => {
  const outcome = {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code: 'exception', diagnostics: 'upstream timeout' }],
  };

  test('MedicationAdministrations unreadable: line 1 nodes without suggestions, "treatment history unavailable"', async () => {
    const { cards } = await patientView(app, metastatic('qa-e-nomeds', CODES.lms), undefined, {
      medicationAdministrations: outcome,
    });
    expect(cards.map((c) => c.source.topic?.code)).toEqual(['M-LMS-1L-DOXO-TRAB', 'M-1L-DOXO', 'M-TRIAL']);
    for (const c of cards) {
      expect(c.suggestions ?? []).toEqual([]);
      expect(c.detail).toMatch(/Treatment history: unavailable \(MedicationAdministration could not be read/);
    }
    for (const c of cards.slice(0, 2)) expect(c.detail).toMatch(/- treatment history unavailable/);
  });
});
