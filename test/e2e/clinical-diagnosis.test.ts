/**
 * Clinical QA, black-box over HTTP: PATHWAY.md §2 facts F0-F4 and §3 steps 1-5 on mCODE 4.0-shaped data that differs
 * from the demo patients (histology in Condition.code or a 31206-6 Observation, SNOMED AJCC qualifiers, statuses left
 * out, partial dates, another primary cancer with its own metastasis).
 */
import { testApp } from '../helpers/app.js';
import { CODES, McodePatient, SYS } from '../fixtures/mcode/resources.js';
import { NOW, ago, cardOf, fact, factsOf, patientView, topics } from '../fixtures/mcode/http.js';

const app = testApp({ PUBLIC_BASE_URL: 'https://cds.example.org' }, () => NOW);

describe('F2 histology from real mCODE shapes', () => {
  test('histology only as an ICD-O-3 coding of Condition.code next to ICD-10-CM places an LMS on the LMS first line', async () => {
    const p = new McodePatient('qa-lms-code');
    const body = await patientView(app, [
      p.patient('1961-03-02'),
      p.primary({ id: 'qa-lms-code-dx', icd10: CODES.thighIcd, icdo3: CODES.lms, onset: '2025-11-20' }),
      p.mCategory('qa-lms-code-m', ago(20), CODES.cM1),
    ]);
    expect(topics(body)).toEqual(['M-LMS-1L-DOXO-TRAB', 'M-1L-DOXO', 'M-TRIAL']);
    const primary = cardOf(body, 'M-LMS-1L-DOXO-TRAB');
    expect(factsOf(primary).find((f) => f.fact === 'Histology')).toMatchObject({
      code: { code: '8890/3' },
      reference: 'Condition/qa-lms-code-dx',
    });
    expect(primary.suggestions?.map((s) => 'isRecommended' in s)).toEqual([false]);
    const alternative = cardOf(body, 'M-1L-DOXO');
    expect(alternative.detail?.startsWith('Alternative to LMS first line')).toBe(true);
    expect(alternative.suggestions?.map((s) => 'isRecommended' in s)).toEqual([false]);
    expect(cardOf(body, 'M-TRIAL').suggestions ?? []).toEqual([]);
  });

  test('histology only as a 31206-6 Observation whose focus is the Condition is used', async () => {
    const p = new McodePatient('qa-ups-obs');
    const body = await patientView(app, [
      p.patient('1970-05-05'),
      p.primary({ id: 'qa-ups-obs-dx', icd10: CODES.armIcd, onset: '2026-04-02' }),
      p.histology('qa-ups-obs-hist', '2026-04-05', CODES.ups, 'qa-ups-obs-dx'),
      p.mCategory('qa-ups-obs-m', '2026-04-10', CODES.cM0),
      p.stageGroup('qa-ups-obs-stage', '2026-04-10', CODES.stageIIIC),
      p.grade('qa-ups-obs-grade', '2026-04-05', CODES.grade3, 'qa-ups-obs-dx'),
    ]);
    expect(topics(body)).toContain('L-NEOADJ-UPS-PEMBRO-RT');
    expect(fact(cardOf(body, 'L-SURGERY'), 'Histology')).toMatch(/8830\/3/);
  });

  test('a specific histology from a 31206-6 Observation wins over sarcoma NOS in Condition.code', async () => {
    const p = new McodePatient('qa-nos-obs');
    const body = await patientView(app, [
      p.patient('1958-01-01'),
      p.primary({ id: 'qa-nos-obs-dx', icd10: CODES.thighIcd, icdo3: CODES.sarcomaNos, onset: '2026-01-10' }),
      p.histology('qa-nos-obs-hist', '2026-01-12', CODES.lms, 'qa-nos-obs-dx'),
      p.stageGroup('qa-nos-obs-stage', '2026-01-20', CODES.stageIV),
    ]);
    expect(topics(body)).toEqual(['M-LMS-1L-DOXO-TRAB', 'M-1L-DOXO', 'M-TRIAL']);
  });

  test('the histology extension outranks a different class in Condition.code, and the card says it was also recorded', async () => {
    const p = new McodePatient('qa-prec');
    const body = await patientView(app, [
      p.patient('1958-01-01'),
      p.primary({
        id: 'qa-prec-dx',
        icd10: CODES.thighIcd,
        icdo3: CODES.lpsDediff,
        extensionMorphology: CODES.lms,
        onset: '2026-01-10',
      }),
      p.stageGroup('qa-prec-stage', '2026-01-20', CODES.stageIV),
    ]);
    expect(topics(body)).toEqual(['M-LMS-1L-DOXO-TRAB', 'M-1L-DOXO', 'M-TRIAL']);
    expect(cardOf(body, 'M-LMS-1L-DOXO-TRAB').detail).toMatch(/also recorded/i);
  });

  test('two 31206-6 Observations with different specific classes are a conflict: D-HISTOLOGY-CONFLICT naming both', async () => {
    const p = new McodePatient('qa-conflict');
    const body = await patientView(app, [
      p.patient('1958-01-01'),
      p.primary({ id: 'qa-conflict-dx', icd10: CODES.thighIcd, onset: '2026-01-10' }),
      p.histology('qa-conflict-h1', '2026-01-12', CODES.lms, 'qa-conflict-dx'),
      p.histology('qa-conflict-h2', '2026-01-14', CODES.lpsDediff, 'qa-conflict-dx'),
      p.stageGroup('qa-conflict-stage', '2026-01-20', CODES.stageIV),
    ]);
    expect(topics(body)).toEqual(['D-HISTOLOGY-CONFLICT']);
    const card = cardOf(body, 'D-HISTOLOGY-CONFLICT');
    expect(card.indicator).toBe('warning');
    expect(card.detail).toMatch(/8890\/3/);
    expect(card.detail).toMatch(/8858\/3/);
    expect(card.suggestions ?? []).toEqual([]);
  });

  test('a preliminary 31206-6 Observation does not count: D-MISSING-HISTOLOGY', async () => {
    const p = new McodePatient('qa-prelim-hist');
    const body = await patientView(app, [
      p.patient('1958-01-01'),
      p.primary({ id: 'qa-prelim-hist-dx', icd10: CODES.thighIcd, onset: '2026-01-10' }),
      p.histology('qa-prelim-hist-h', '2026-01-12', CODES.lms, 'qa-prelim-hist-dx', { status: 'preliminary' }),
      p.stageGroup('qa-prelim-hist-stage', '2026-01-20', CODES.stageIV),
    ]);
    expect(topics(body)).toEqual(['D-MISSING-HISTOLOGY']);
  });

  test('GIST (C49.A2) is X-SPECIALTY whatever its histology says', async () => {
    const p = new McodePatient('qa-gist');
    const body = await patientView(app, [
      p.patient('1958-01-01'),
      p.primary({
        id: 'qa-gist-dx',
        icd10: ['C49.A2', 'Gastrointestinal stromal tumor of stomach'],
        icdo3: CODES.lms,
        onset: '2026-01-10',
      }),
      p.stageGroup('qa-gist-stage', '2026-01-20', CODES.stageIV),
    ]);
    expect(topics(body)).toEqual(['X-SPECIALTY']);
    const card = cardOf(body, 'X-SPECIALTY');
    expect(card.indicator).toBe('warning');
    expect(card.detail).toMatch(/imatinib/i);
    expect(card.links?.map((l) => l.url)).toEqual(
      expect.arrayContaining([
        'https://www.cancer.gov/news-events/cancer-currents-blog/2024/gist-uninterrupted-gleevec-treatment',
      ]),
    );
  });
});

describe('F3 extent from mCODE staging', () => {
  const base = (id: string) => {
    const p = new McodePatient(id);
    return {
      p,
      common: [
        p.patient('1960-02-02'),
        p.primary({ id: `${id}-dx`, icd10: CODES.thighIcd, extensionMorphology: CODES.synovial, onset: '2026-02-01' }),
      ],
    };
  };

  test('SNOMED 1229901006 (cM0) alone is localized', async () => {
    const { p, common } = base('qa-cm0');
    const body = await patientView(app, [...common, p.mCategory('qa-cm0-m', '2026-02-10', CODES.cM0)]);
    expect(topics(body)).toContain('L-SURGERY');
  });

  test('an AJCC cM1 M category is metastatic', async () => {
    const { p, common } = base('qa-cm1');
    const body = await patientView(app, [...common, p.mCategory('qa-cm1-m', '2026-02-10', CODES.cM1)]);
    expect(topics(body)).toEqual(['M-1L-DOXO', 'M-TRIAL']);
  });

  test('a SNOMED AJCC qualifier whose display contains cM1 is metastatic', async () => {
    const { p, common } = base('qa-cm1-sct');
    const body = await patientView(app, [...common, p.mCategory('qa-cm1-sct-m', '2026-02-10', CODES.cM1Snomed)]);
    expect(topics(body)).toEqual(['M-1L-DOXO', 'M-TRIAL']);
  });

  test('stage group "American Joint Committee on Cancer stage IIIC" is localized', async () => {
    const { p, common } = base('qa-iiic');
    const body = await patientView(app, [...common, p.stageGroup('qa-iiic-s', '2026-02-10', CODES.stageIIIC)]);
    expect(topics(body)).toContain('L-SURGERY');
  });

  test('stage group "Stage IV" is metastatic and wins over an earlier cM0', async () => {
    const { p, common } = base('qa-iv');
    const body = await patientView(app, [
      ...common,
      p.mCategory('qa-iv-m0', '2026-02-05', CODES.cM0),
      p.stageGroup('qa-iv-s', '2026-01-10', CODES.stageIV),
    ]);
    expect(topics(body)).toEqual(['M-1L-DOXO', 'M-TRIAL']);
  });

  test('a secondary cancer Condition linked by condition-related is metastatic even when resolved', async () => {
    const { p, common } = base('qa-met-resolved');
    const body = await patientView(app, [
      ...common,
      p.mCategory('qa-met-resolved-m0', '2026-02-05', CODES.cM0),
      p.secondary({
        id: 'qa-met-resolved-met',
        primaryId: 'qa-met-resolved-dx',
        clinicalStatus: 'resolved',
        onset: '2026-03-01',
      }),
    ]);
    expect(topics(body)).toEqual(['M-1L-DOXO', 'M-TRIAL']);
    expect(fact(cardOf(body, 'M-1L-DOXO'), 'Extent')).toMatch(/metastatic/);
  });

  test('an entered-in-error metastasis does not make the disease metastatic', async () => {
    const { p, common } = base('qa-met-eie');
    const body = await patientView(app, [
      ...common,
      p.mCategory('qa-met-eie-m0', '2026-02-05', CODES.cM0),
      p.secondary({
        id: 'qa-met-eie-met',
        primaryId: 'qa-met-eie-dx',
        verificationStatus: 'entered-in-error',
        onset: '2026-03-01',
      }),
    ]);
    expect(topics(body)).toContain('L-SURGERY');
  });

  test('a preliminary cM1 Observation is ignored: extent unknown', async () => {
    const { p, common } = base('qa-m1-prelim');
    const body = await patientView(app, [
      ...common,
      p.mCategory('qa-m1-prelim-m', '2026-02-10', CODES.cM1, { status: 'preliminary' }),
    ]);
    expect(topics(body)).toEqual(['D-MISSING-EXTENT']);
    expect(cardOf(body, 'D-MISSING-EXTENT').indicator).toBe('warning');
  });

  test('a breast cancer metastasis that references the breast primary does not make the STS metastatic', async () => {
    const { p, common } = base('qa-breast');
    const body = await patientView(app, [
      ...common,
      p.primary({ id: 'qa-breast-bc', icd10: CODES.breastIcd, extensionMorphology: CODES.ductal, onset: '2019-04-01' }),
      p.secondary({
        id: 'qa-breast-met',
        primaryId: 'qa-breast-bc',
        code: { system: SYS.sct, code: '94225005', display: 'Secondary malignant neoplasm of brain' },
        onset: '2026-03-01',
      }),
      p.mCategory('qa-breast-m0', '2026-02-05', CODES.cM0, { focus: [{ reference: 'Condition/qa-breast-dx' }] }),
    ]);
    expect(topics(body)).toContain('L-SURGERY');
    expect(topics(body)).not.toContain('M-1L-DOXO');
  });

  test("with another primary cancer, an unattributed metastasis is not the STS's: D-MISSING-EXTENT naming it", async () => {
    const { p, common } = base('qa-breast2');
    const body = await patientView(app, [
      ...common,
      p.primary({ id: 'qa-breast2-bc', icd10: CODES.breastIcd, onset: '2019-04-01' }),
      p.secondary({ id: 'qa-breast2-met', onset: '2026-03-01' }),
    ]);
    expect(topics(body)).toEqual(['D-MISSING-EXTENT']);
    expect(cardOf(body, 'D-MISSING-EXTENT').detail).toMatch(/qa-breast2-met/);
  });

  test('without another primary, an unattributed M1 and a metastasis without a link count', async () => {
    const { p, common } = base('qa-unlinked');
    const body = await patientView(app, [
      ...common,
      p.secondary({ id: 'qa-unlinked-met', onset: '2026-03-01', profile: false }),
    ]);
    expect(topics(body)).toEqual(['M-1L-DOXO', 'M-TRIAL']);
  });
});

describe('F1 / F0 and §3 steps 1-3', () => {
  test('verificationStatus and clinicalStatus absent: the STS Condition is confirmed and active', async () => {
    const p = new McodePatient('qa-nostatus');
    const body = await patientView(app, [
      p.patient('1955-09-09'),
      p.primary({
        id: 'qa-nostatus-dx',
        icd10: CODES.thighIcd,
        icdo3: CODES.lms,
        clinicalStatus: null,
        verificationStatus: null,
        onset: '2026-01-01',
      }),
      p.stageGroup('qa-nostatus-s', '2026-01-05', CODES.stageIV),
    ]);
    expect(topics(body)).toEqual(['M-LMS-1L-DOXO-TRAB', 'M-1L-DOXO', 'M-TRIAL']);
  });

  test('an entered-in-error STS Condition does not exist: no cards', async () => {
    const p = new McodePatient('qa-eie');
    const body = await patientView(app, [
      p.patient('1955-09-09'),
      p.primary({
        id: 'qa-eie-dx',
        icd10: CODES.thighIcd,
        icdo3: CODES.lms,
        verificationStatus: 'entered-in-error',
        onset: '2026-01-01',
      }),
      p.stageGroup('qa-eie-s', '2026-01-05', CODES.stageIV),
    ]);
    expect(body.cards).toEqual([]);
  });

  test('a provisional STS Condition gives D-UNCONFIRMED only', async () => {
    const p = new McodePatient('qa-prov');
    const body = await patientView(app, [
      p.patient('1955-09-09'),
      p.primary({
        id: 'qa-prov-dx',
        icd10: CODES.thighIcd,
        icdo3: CODES.lms,
        verificationStatus: 'provisional',
        onset: '2026-01-01',
      }),
      p.stageGroup('qa-prov-s', '2026-01-05', CODES.stageIV),
    ]);
    expect(topics(body)).toEqual(['D-UNCONFIRMED']);
    const card = cardOf(body, 'D-UNCONFIRMED');
    expect(card.indicator).toBe('info');
    expect(card.detail).toMatch(/provisional/);
    expect(card.suggestions ?? []).toEqual([]);
  });

  test('a resolved primary without a metastasis does not count: no cards', async () => {
    const p = new McodePatient('qa-resolved');
    const body = await patientView(app, [
      p.patient('1955-09-09'),
      p.primary({
        id: 'qa-resolved-dx',
        icd10: CODES.thighIcd,
        icdo3: CODES.lms,
        clinicalStatus: 'resolved',
        onset: '2020-01-01',
      }),
      p.mCategory('qa-resolved-m', '2020-01-05', CODES.cM0),
    ]);
    expect(body.cards).toEqual([]);
  });

  test('a remission primary with a linked metastasis counts (metastatic)', async () => {
    const p = new McodePatient('qa-remission');
    const body = await patientView(app, [
      p.patient('1955-09-09'),
      p.primary({
        id: 'qa-remission-dx',
        icd10: CODES.thighIcd,
        icdo3: CODES.lms,
        clinicalStatus: 'remission',
        onset: '2020-01-01',
      }),
      p.secondary({ id: 'qa-remission-met', primaryId: 'qa-remission-dx', onset: '2026-05-01' }),
    ]);
    expect(topics(body)).toEqual(['M-LMS-1L-DOXO-TRAB', 'M-1L-DOXO', 'M-TRIAL']);
  });

  test('a partial birthDate is read at its latest instant: born "2008-07" is 17 on 2026-06-15 (X-PEDIATRIC)', async () => {
    const p = new McodePatient('qa-peds');
    const body = await patientView(app, [
      p.patient('2008-07'),
      p.primary({ id: 'qa-peds-dx', icd10: CODES.thighIcd, icdo3: CODES.synovial, onset: '2026-01-01' }),
      p.stageGroup('qa-peds-s', '2026-01-05', CODES.stageIV),
    ]);
    expect(topics(body)).toEqual(['X-PEDIATRIC']);
    expect(
      cardOf(body, 'X-PEDIATRIC')
        .links?.map((l) => l.url)
        .filter((u) => !u.includes('#patient=')),
    ).toEqual(['https://www.cancer.gov/types/soft-tissue-sarcoma/research']);
  });

  test('born "2008-06" may be 18 on 2026-06-15 only if born by the 15th: the youngest possible age is 17 (X-PEDIATRIC)', async () => {
    const p = new McodePatient('qa-peds2');
    const body = await patientView(app, [
      p.patient('2008-06'),
      p.primary({ id: 'qa-peds2-dx', icd10: CODES.thighIcd, icdo3: CODES.synovial, onset: '2026-01-01' }),
      p.stageGroup('qa-peds2-s', '2026-01-05', CODES.stageIV),
    ]);
    expect(topics(body)).toEqual(['X-PEDIATRIC']);
  });

  test('no birthDate: treated as an adult, "age not found" on every card', async () => {
    const p = new McodePatient('qa-noage');
    const body = await patientView(app, [
      p.patient(),
      p.primary({ id: 'qa-noage-dx', icd10: CODES.thighIcd, icdo3: CODES.synovial, onset: '2026-01-01' }),
      p.stageGroup('qa-noage-s', '2026-01-05', CODES.stageIV),
    ]);
    expect(topics(body)).toEqual(['M-1L-DOXO', 'M-TRIAL']);
    for (const card of body.cards) expect(card.detail).toMatch(/age.*not found/i);
  });

  test('a patient with only a breast cancer gets no cards', async () => {
    const p = new McodePatient('qa-breast-only');
    const body = await patientView(app, [
      p.patient('1960-01-01'),
      p.primary({
        id: 'qa-breast-only-bc',
        icd10: CODES.breastIcd,
        extensionMorphology: CODES.ductal,
        onset: '2025-06',
      }),
      p.secondary({ id: 'qa-breast-only-met', primaryId: 'qa-breast-only-bc', onset: '2026-01' }),
    ]);
    expect(body.cards).toEqual([]);
  });

  test('uterine leiomyosarcoma (C55 + 8890/3), localized: L-OTHER-SITE only, naming C55', async () => {
    const p = new McodePatient('qa-uterine');
    const body = await patientView(app, [
      p.patient('1960-01-01'),
      p.primary({
        id: 'qa-uterine-dx',
        icd10: ['C55', 'Malignant neoplasm of uterus, part unspecified'],
        extensionMorphology: CODES.lms,
        onset: '2026-01-01',
      }),
      p.stageGroup('qa-uterine-s', '2026-01-05', { coding: [{ system: SYS.ajcc, code: '2', display: 'Stage II' }] }),
    ]);
    expect(topics(body)).toEqual(['L-OTHER-SITE']);
    expect(cardOf(body, 'L-OTHER-SITE').detail).toMatch(/C55/);
    expect(cardOf(body, 'L-OTHER-SITE').suggestions ?? []).toEqual([]);
  });
});
