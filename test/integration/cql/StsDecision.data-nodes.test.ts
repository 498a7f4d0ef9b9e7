/**
 * PATHWAY.md §3 steps 1-5, §4.3 data nodes and §4.4 outside-the-pathway nodes, and the §2 "Unreadable data" table:
 * one patient that reaches each node and one that just misses it.
 */
import { EXAMPLE_CODES } from '../../../src/pathway/index.js';
import { observation, otherCondition, secondaryCondition, stsCondition } from '../../fixtures/builders.js';
import {
  ago,
  decide,
  doxo,
  factValue,
  ids,
  metastatic,
  node,
  STS_ID,
  stsConditionWithMorphology,
  unreadable,
  view,
  withData,
} from './decision-patients.js';

const metastasis = () => secondaryCondition({ primaryId: STS_ID, onset: '2025-06-01' });
const LMS_LINE_1 = ['M-LMS-1L-DOXO-TRAB', 'M-1L-DOXO', 'M-TRIAL'];

describe('§3 step 1: STS Conditions and D-DATA-UNAVAILABLE', () => {
  test('no STS Condition (a breast cancer only): no cards', async () => {
    const d = await decide({ resources: [otherCondition({ code: EXAMPLE_CODES.breast, primaryProfile: true })] });
    expect(d.hasSts).toBe(false);
    expect(d.nodes).toEqual([]);
  });

  test('Conditions unreadable: D-DATA-UNAVAILABLE alone, a warning naming what could not be read', async () => {
    const d = await decide(withData(metastatic('8890/3'), { unreadable: unreadable('Condition') }));
    expect(view(d)).toEqual([['D-DATA-UNAVAILABLE', 'data', false, false, 'warning']]);
    expect(node(d, 'D-DATA-UNAVAILABLE').notes).toEqual(['Conditions could not be read']);
  });

  test('Observations unreadable is not D-DATA-UNAVAILABLE: the Conditions still show the metastasis', async () => {
    const d = await decide(withData(metastatic('8890/3'), { unreadable: unreadable('Observation') }));
    expect(ids(d)).toEqual(LMS_LINE_1);
  });

  test('a Condition entered in error or refuted does not exist for the pathway', async () => {
    for (const verificationStatus of ['entered-in-error', 'refuted'] as const) {
      const c = stsCondition({ id: STS_ID, icd10: 'C49.20', morphology: '8890/3', verificationStatus });
      expect((await decide({ resources: [c, metastasis()] })).nodes).toEqual([]);
    }
  });
});

describe('§3 step 2 / F0: X-PEDIATRIC', () => {
  test.each([
    ['2008-06 (at most 17 years old on 2026-06-01)', '2008-06'],
    ['2008 (year only: at most 17)', '2008'],
    ['2008-06-02 (17 until tomorrow)', '2008-06-02'],
  ])('birthDate %s: X-PEDIATRIC only, a warning', async (_l, birthDate) => {
    const d = await decide({ ...metastatic('8890/3'), birthDate });
    expect(view(d)).toEqual([['X-PEDIATRIC', 'data', false, false, 'warning']]);
    expect(factValue(d, 'Age')).toBe('17 years');
  });

  test.each([
    ['2008-05 (18 at the latest instant of May)', '2008-05'],
    ['2008-06-01 (18th birthday today)', '2008-06-01'],
  ])('birthDate %s: adult pathway', async (_l, birthDate) => {
    const d = await decide({ ...metastatic('8890/3'), birthDate });
    expect(ids(d)).toEqual(LMS_LINE_1);
    expect(factValue(d, 'Age')).toBe('18 years');
  });

  test('no birthDate: treated as an adult, "age not found" among the facts', async () => {
    const d = await decide({ ...metastatic('8890/3'), birthDate: null });
    expect(ids(d)).toEqual(LMS_LINE_1);
    expect(factValue(d, 'Age')).toBe('not found (looked for: Patient.birthDate)');
  });

  test('Patient unreadable: X-PEDIATRIC not applied, "age unavailable" among the facts', async () => {
    const d = await decide({ ...metastatic('8890/3'), birthDate: '2016-01-01', unreadable: unreadable('Patient') });
    expect(ids(d)).toEqual(LMS_LINE_1);
    expect(factValue(d, 'Age')).toMatch(/^unavailable \(Patient could not be read/);
  });

  test('age comes before confirmation: a provisional diagnosis in a 17-year-old is X-PEDIATRIC', async () => {
    const c = stsCondition({ id: STS_ID, icd10: 'C49.20', morphology: '8890/3', verificationStatus: 'provisional' });
    expect(ids(await decide({ resources: [c, metastasis()], birthDate: '2008-06' }))).toEqual(['X-PEDIATRIC']);
  });
});

describe('§3 step 3 / F1: D-UNCONFIRMED', () => {
  test.each(['provisional', 'differential', 'unconfirmed'] as const)(
    'every STS Condition %s: D-UNCONFIRMED only, information',
    async (status) => {
      const c = stsCondition({ id: STS_ID, icd10: 'C49.20', morphology: '8890/3', verificationStatus: status });
      expect(view(await decide({ resources: [c, metastasis()] }))).toEqual([
        ['D-UNCONFIRMED', 'data', false, false, 'info'],
      ]);
    },
  );

  test('confirmed misses it; so does an absent verificationStatus', async () => {
    for (const verificationStatus of ['confirmed', null] as const) {
      const c = stsCondition({ id: STS_ID, icd10: 'C49.20', morphology: '8890/3', verificationStatus });
      expect(ids(await decide({ resources: [c, metastasis()] }))).toEqual(LMS_LINE_1);
    }
  });

  test('one provisional and one confirmed STS Condition: the confirmed one places the patient', async () => {
    const provisional = stsCondition({
      id: 'sts-0',
      icd10: 'C49.3',
      morphology: '8858/3',
      verificationStatus: 'provisional',
    });
    const d = await decide({ resources: [provisional, ...metastatic('8890/3').resources] });
    expect(ids(d)).toEqual(LMS_LINE_1);
    expect(d.stsConditions).toEqual([`Condition/${STS_ID}`]);
  });
});

describe('§3 step 4 / F2: X-SPECIALTY, X-UNCOVERED, D-MISSING-HISTOLOGY', () => {
  test.each([
    ['GIST 8936/3', metastatic('8936/3')],
    ['a C49.A2 (GIST) Condition whatever its histology', metastatic('8890/3', [], { icd10: 'C49.A2' })],
    ['embryonal-type rhabdomyosarcoma NOS 8900/3', metastatic('8900/3')],
    [
      'a desmoid 8821/1 coded D48.1',
      {
        resources: [
          stsCondition({ id: STS_ID, icd10: 'D48.1', morphology: '8821/1' }),
          observation.mCategory('M0', '2025-02-01'),
        ],
      },
    ],
  ])('%s: X-SPECIALTY only, a warning', async (_l, p) => {
    expect(view(await decide(p))).toEqual([['X-SPECIALTY', 'data', false, false, 'warning']]);
  });

  test('pleomorphic rhabdomyosarcoma 8901/3 misses X-SPECIALTY: an adult STS of class OTHER', async () => {
    expect(ids(await decide(metastatic('8901/3')))).toEqual(['M-1L-DOXO', 'M-TRIAL']);
  });

  test('clear cell sarcoma 9044/3 (a sarcoma code not listed in §7.2) on a thigh STS: X-UNCOVERED naming the code', async () => {
    const d = await decide({
      resources: [stsConditionWithMorphology('9044/3', 'Clear cell sarcoma, NOS'), metastasis()],
    });
    expect(view(d)).toEqual([['X-UNCOVERED', 'data', false, false, 'warning']]);
    expect(factValue(d, 'Histology')).toBe('Clear cell sarcoma, NOS (9044/3)');
  });

  test('synovial sarcoma 9040/3 (listed) misses X-UNCOVERED', async () => {
    expect(ids(await decide(metastatic('9040/3')))).toEqual(['M-1L-DOXO', 'M-TRIAL']);
  });

  test('no histology anywhere: D-MISSING-HISTOLOGY only, a warning saying what was looked for', async () => {
    const d = await decide({ resources: [stsCondition({ id: STS_ID, icd10: 'C49.20' }), metastasis()] });
    expect(view(d)).toEqual([['D-MISSING-HISTOLOGY', 'data', false, false, 'warning']]);
    expect(factValue(d, 'Histology')).toMatch(/^not found \(looked for: /);
  });

  test('a histology Observation (LOINC 31206-6) is enough to miss it', async () => {
    const d = await decide({
      resources: [
        stsCondition({ id: STS_ID, icd10: 'C49.20' }),
        metastasis(),
        observation.histology('8890/3', '2025-01-05'),
      ],
    });
    expect(ids(d)).toEqual(LMS_LINE_1);
  });

  test('two confirmed STS Conditions of different classes (LMS and LPS): D-HISTOLOGY-CONFLICT', async () => {
    const lps = stsCondition({ id: 'sts-2', icd10: 'C48.0', morphology: '8858/3', onset: '2025-02-01' });
    expect(view(await decide({ resources: [...metastatic('8890/3').resources, lps] }))).toEqual([
      ['D-HISTOLOGY-CONFLICT', 'data', false, false, 'warning'],
    ]);
  });

  test('sarcoma NOS 8800/3 alone is non-specific but known: class OTHER', async () => {
    expect(ids(await decide(metastatic('8800/3')))).toEqual(['M-1L-DOXO', 'M-TRIAL']);
  });
});

describe('§3 step 5 / F3: D-MISSING-EXTENT', () => {
  const primary = () => stsCondition({ id: STS_ID, icd10: 'C49.20', morphology: '8890/3', onset: '2025-01-01' });

  test('no extent evidence: D-MISSING-EXTENT only, a warning', async () => {
    const d = await decide({ resources: [primary()] });
    expect(view(d)).toEqual([['D-MISSING-EXTENT', 'data', false, false, 'warning']]);
    expect(node(d, 'D-MISSING-EXTENT').notes).toEqual([]);
  });

  test('an M0 misses it: localized', async () => {
    expect(ids(await decide({ resources: [primary(), observation.mCategory('M0', '2025-01-10')] }))).toEqual([
      'L-SURGERY',
      'L-RT-EXTREMITY',
      'L-NEOADJ-DOXO-IFOS',
    ]);
  });

  test('stage group III is localized; stage group IV is metastatic', async () => {
    expect(
      ids(
        await decide({
          resources: [primary(), observation.stageGroup('III', '2025-01-10'), observation.grade(1, '2025-01-10')],
        }),
      ),
    ).toEqual(['L-SURGERY', 'L-RT-EXTREMITY']);
    expect(ids(await decide({ resources: [primary(), observation.stageGroup('IV', '2025-01-10')] }))).toEqual(
      LMS_LINE_1,
    );
  });

  test('M0 then M1: metastatic; M1 then a later M0: still metastatic (once metastatic, stage IV)', async () => {
    expect(
      ids(
        await decide({
          resources: [primary(), observation.mCategory('M0', '2025-01-10'), observation.mCategory('M1', '2025-09-01')],
        }),
      ),
    ).toEqual(LMS_LINE_1);
    expect(
      ids(
        await decide({
          resources: [primary(), observation.mCategory('M1', '2025-01-10'), observation.mCategory('M0', '2025-09-01')],
        }),
      ),
    ).toEqual(LMS_LINE_1);
  });

  test('a metastasis that belongs to another primary (breast) does not count: D-MISSING-EXTENT', async () => {
    const breast = otherCondition({ id: 'breast-1', code: EXAMPLE_CODES.breast, primaryProfile: true });
    const d = await decide({
      resources: [primary(), breast, secondaryCondition({ primaryId: 'breast-1', onset: '2025-06-01' })],
    });
    expect(ids(d)).toEqual(['D-MISSING-EXTENT']);
  });

  test('Observations unreadable and no metastasis Condition: D-MISSING-EXTENT saying why', async () => {
    const d = await decide({ resources: [primary()], unreadable: unreadable('Observation') });
    expect(ids(d)).toEqual(['D-MISSING-EXTENT']);
    expect(node(d, 'D-MISSING-EXTENT').notes).toEqual(['Observations could not be read: extent from Conditions alone']);
    expect(factValue(d, 'Extent')).toMatch(/^unavailable \(Observation could not be read/);
  });

  test('Observations unreadable with a metastasis Condition: metastatic, with ECOG, LVEF and grade unavailable', async () => {
    const d = await decide(withData(metastatic('8830/3'), { unreadable: unreadable('Observation') }));
    expect(ids(d)).toEqual(['M-1L-DOXO', 'M-TRIAL']);
    expect(node(d, 'M-1L-DOXO').notes).toContain(
      'no usable LVEF (unavailable): assess LVEF (echocardiography or MUGA) before the next anthracycline dose',
    );
    for (const fact of ['ECOG', 'LVEF', 'Grade'])
      expect(factValue(d, fact)).toMatch(/^unavailable \(Observation could not be read/);
  });
});

describe('§2 unreadable treatment history', () => {
  test.each(['MedicationRequest', 'MedicationAdministration', 'MedicationStatement'])(
    '%s unreadable: the line-1 nodes without suggestions, "treatment history unavailable", trial without suggestion',
    async (type) => {
      const d = await decide(withData(metastatic('8890/3', [doxo('2025-07-01')]), { unreadable: unreadable(type) }));
      expect(view(d)).toEqual([
        ['M-LMS-1L-DOXO-TRAB', 'primary', false, false, 'info'],
        ['M-1L-DOXO', 'alternative', false, false, 'info'],
        ['M-TRIAL', 'trial', false, false, 'info'],
      ]);
      expect(node(d, 'M-LMS-1L-DOXO-TRAB').notes).toContain('treatment history unavailable');
      expect(factValue(d, 'Treatment history')).toMatch(new RegExp(`^unavailable \\(${type} could not be read`));
    },
  );

  test('readable history misses it: the same patient is at line 2', async () => {
    expect(ids(await decide(metastatic('8890/3', [doxo('2025-07-01')])))).toEqual(['M-2L-GEM-DOCE', 'M-TRIAL']);
  });

  test('a recent doxorubicin with readable history is shown as current', async () => {
    expect(node(await decide(metastatic('8830/3', [doxo(ago(7))])), 'M-1L-DOXO').role).toBe('current');
  });
});
