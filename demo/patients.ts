/**
 * The demo patients: what each demonstrates and its resources, built with the test builders. `build-demo.ts` writes
 * them to demo/*.json; a unit test checks the files equal what this module builds. Dates that must be "recent" are
 * set against 2026-11-23 (see demo/README.md).
 */
import type { Bundle, FhirResource, MedicationStatement } from 'fhir/r4.js';
import type { DrugKey, NodeId, RuleId } from '../src/pathway/index.js';
import { EXAMPLE_CODES, METASTASIS_SNOMED_EXAMPLE, SYSTEMS } from '../src/pathway/index.js';
import {
  type DoseSpec,
  bundleOf,
  medicationAdministration,
  medicationRequest,
  medicationStatement,
  observation,
  otherCondition,
  patient,
  procedure,
  secondaryCondition,
  stsCondition,
  type DrugSpec,
} from '../test/fixtures/builders.js';

/**
 * An order-time expectation: drafting `drug` (all drugs of the list together) reaches `reaches`. `doses`: the dose a
 * draft carries (`dosageInstruction[0].doseAndRate[0].doseQuantity`, F7 item 8); a drug without one is drafted without
 * a dose.
 */
export interface DemoOrder {
  readonly drugs: readonly DrugKey[];
  readonly reaches: NodeId | RuleId;
  readonly doses?: Readonly<Partial<Record<DrugKey, { readonly value: number; readonly unit: 'mg/m2' | 'mg' }>>>;
}

interface DemoPatient {
  readonly patientId: string;
  readonly family: string;
  readonly given: string;
  readonly birthDate: string;
  readonly gender: 'female' | 'male';
  /** The card topics patient-view should output (§3), as read from PATHWAY.md. */
  readonly patientView: readonly NodeId[];
  /** Rules whose patient-view effect this patient shows (§5 last column). */
  readonly rules?: readonly RuleId[];
  readonly orders?: readonly DemoOrder[];
  readonly resources: (id: (suffix: string) => string, o: { patientId: string }) => FhirResource[];
}

/** Dates every `days` days from `start` (ISO date), `n` of them. */
const cycles = (start: string, n: number, days = 21): string[] =>
  Array.from({ length: n }, (_, i) =>
    new Date(Date.parse(`${start}T00:00:00Z`) + i * days * 86_400_000).toISOString().slice(0, 10),
  );

/** Administrations of one drug on each date, with ids `<prefix>-<drug>-<n>`. */
const given = (
  id: (s: string) => string,
  o: { patientId: string },
  drug: DrugSpec,
  key: string,
  dates: readonly string[],
  dose: DoseSpec = {},
) => dates.map((date, i) => medicationAdministration({ ...o, id: id(`${key}-${i + 1}`), drug, date, ...dose }));

/** A completed order with its dose in mg/m² (dosageInstruction[0].doseAndRate[0].doseQuantity) and its boundsPeriod. */
const doseOrder = (
  requestId: string,
  o: { patientId: string },
  drug: DrugKey,
  authoredOn: string,
  mgM2: number,
  bounds: { start: string; end: string },
) => ({
  ...medicationRequest({ ...o, id: requestId, drug, authoredOn, status: 'completed' }),
  dosageInstruction: [
    {
      timing: { repeat: { boundsPeriod: bounds } },
      doseAndRate: [{ doseQuantity: { value: mgM2, unit: 'mg/m2', system: SYSTEMS.ucum, code: 'mg/m2' } }],
    },
  ],
});

/** An oral drug as EHRs record it: an active MedicationStatement whose effectivePeriod has no end (dated now, §2). */
const ongoingStatement = (
  statementId: string,
  o: { patientId: string },
  drug: DrugKey,
  start: string,
): MedicationStatement => {
  const statement = medicationStatement({ ...o, id: statementId, drug, date: start, status: 'active' });
  delete statement.effectiveDateTime;
  return { ...statement, effectivePeriod: { start } };
};

/** ECOG and LVEF baseline shared by most adults (recent LVEF: within 90 days of 2026-11-23). */
const baseline = (
  id: (s: string) => string,
  o: { patientId: string },
  ecog = 1,
  lvef = 60,
  lvefDate = '2026-11-05',
) => [
  observation.ecog(ecog, lvefDate, { ...o, id: id('ecog') }),
  observation.lvef(lvef, lvefDate, { ...o, id: id('lvef') }),
  observation.height(170, lvefDate, 'cm', { ...o, id: id('height') }),
  observation.weight(72, lvefDate, 'kg', { ...o, id: id('weight') }),
];

/** A metastatic primary with a lung metastasis linked to it and an M1 Observation. */
const metastatic = (
  id: (s: string) => string,
  o: { patientId: string },
  icd10: string,
  morphology: string,
  dx: string,
  met: string,
) => [
  stsCondition({ ...o, id: id('dx'), icd10, morphology, onset: dx }),
  secondaryCondition({ ...o, id: id('met'), primaryId: id('dx'), onset: met, text: 'Lung metastases' }),
  observation.mCategory('M1', met, { ...o, id: id('m'), focusId: id('dx') }),
];

/** A localized primary with M0 and a grade (when given). */
const localized = (
  id: (s: string) => string,
  o: { patientId: string },
  icd10: string,
  morphology: string | undefined,
  dx: string,
  grade?: 1 | 2 | 3,
) => [
  stsCondition({ ...o, id: id('dx'), icd10, ...(morphology ? { morphology } : {}), onset: dx }),
  observation.mCategory('M0', dx, { ...o, id: id('m'), focusId: id('dx') }),
  ...(grade ? [observation.grade(grade, dx, { ...o, id: id('grade'), focusId: id('dx') })] : []),
];

export const PATIENTS: readonly DemoPatient[] = [
  // ---- Localized ----
  {
    patientId: 'sts-ups-arm',
    family: 'Localized UPS of the arm',
    given: 'Grade 3 stage III',
    birthDate: '1968-04-12',
    gender: 'male',
    patientView: ['L-SURGERY', 'L-NEOADJ-UPS-PEMBRO-RT', 'L-RT-EXTREMITY', 'L-NEOADJ-DOXO-IFOS'],
    orders: [{ drugs: ['pembrolizumab'], reaches: 'L-NEOADJ-UPS-PEMBRO-RT' }],
    resources: (id, o) => [
      ...localized(id, o, 'C49.12', '8830/3', '2026-10-20', 3),
      observation.stageGroup('III', '2026-10-20', { ...o, id: id('stage'), focusId: id('dx') }),
      ...baseline(id, o, 0),
    ],
  },
  {
    patientId: 'sts-lms-thigh',
    family: 'Localized LMS of the thigh',
    given: 'Grade not recorded',
    birthDate: '1959-09-02',
    gender: 'female',
    patientView: ['L-SURGERY', 'L-RT-EXTREMITY', 'L-NEOADJ-DOXO-IFOS'],
    resources: (id, o) => [...localized(id, o, 'C49.22', '8890/3', '2026-10-28'), ...baseline(id, o, 1)],
  },
  {
    patientId: 'sts-lps-retroperitoneal',
    family: 'Localized retroperitoneal LPS',
    given: 'Dedifferentiated, grade 3',
    birthDate: '1955-01-30',
    gender: 'male',
    patientView: ['L-SURGERY', 'L-RT-RETROPERITONEAL'],
    resources: (id, o) => [...localized(id, o, 'C48.0', '8858/3', '2026-10-15', 3), ...baseline(id, o, 1)],
  },
  {
    patientId: 'sts-trunk-other',
    family: 'Localized myxofibrosarcoma of the thorax',
    given: 'Trunk, grade 2',
    birthDate: '1971-06-18',
    gender: 'female',
    patientView: ['L-SURGERY', 'L-RT-TRUNK', 'L-NEOADJ-DOXO-IFOS'],
    resources: (id, o) => [...localized(id, o, 'C49.3', '8811/3', '2026-10-09', 2), ...baseline(id, o, 0)],
  },
  {
    patientId: 'sts-post-resection',
    family: 'Resected myxoid LPS of the thigh',
    given: 'After pre-operative RT and surgery',
    birthDate: '1977-11-03',
    gender: 'male',
    patientView: ['L-POST-RESECTION'],
    resources: (id, o) => [
      ...localized(id, o, 'C49.21', '8852/3', '2026-05-12', 2),
      procedure({
        ...o,
        id: id('rt'),
        kind: 'rt',
        date: '2026-06-22',
        reasonId: id('dx'),
        text: 'Pre-operative radiotherapy 50 Gy in 25 fractions',
      }),
      procedure({
        ...o,
        id: id('surgery'),
        kind: 'surgery',
        date: '2026-08-18',
        reasonId: id('dx'),
        text: 'Wide local excision of soft tissue sarcoma of right thigh',
      }),
      ...baseline(id, o, 0),
    ],
  },
  {
    patientId: 'sts-uterine-lms',
    family: 'Uterine LMS',
    given: 'Localized, site outside soft tissue (C55)',
    birthDate: '1964-02-25',
    gender: 'female',
    patientView: ['L-OTHER-SITE'],
    resources: (id, o) => [
      stsCondition({ ...o, id: id('dx'), icd10: 'C55', morphology: '8890/3', onset: '2026-10-01' }),
      observation.mCategory('M0', '2026-10-01', { ...o, id: id('m'), focusId: id('dx') }),
      ...baseline(id, o, 0),
    ],
  },
  // ---- Metastatic, by line ----
  {
    patientId: 'sts-lms-1l',
    family: 'Metastatic LMS',
    given: 'Untreated first line',
    birthDate: '1962-07-14',
    gender: 'female',
    patientView: ['M-LMS-1L-DOXO-TRAB', 'M-1L-DOXO', 'M-TRIAL'],
    orders: [
      // LMS-04: doxorubicin 60 mg/m² with trabectedin (§6 schedule text).
      {
        drugs: ['doxorubicin', 'trabectedin'],
        reaches: 'M-LMS-1L-DOXO-TRAB',
        doses: { doxorubicin: { value: 60, unit: 'mg/m2' } },
      },
      // 138 mg over the BSA of now (170 cm, 72 kg on 2026-11-05): about 75 mg/m² (F7 item 8).
      {
        drugs: ['doxorubicin', 'ifosfamide'],
        reaches: 'M-1L-DOXO',
        doses: { doxorubicin: { value: 138, unit: 'mg' } },
      },
      { drugs: ['imatinib'], reaches: 'OFF-PATHWAY' },
      { drugs: ['olaratumab'], reaches: 'S-OLARATUMAB' },
      { drugs: ['pembrolizumab'], reaches: 'S-PEMBRO-SETTING' },
      { drugs: ['trabectedin'], reaches: 'M-LMS-1L-DOXO-TRAB' },
      { drugs: ['ifosfamide'], reaches: 'S-IFOS-MESNA' },
      { drugs: ['doxorubicin', 'ifosfamide', 'mesna'], reaches: 'S-COMBO-AGE' },
    ],
    resources: (id, o) => [...metastatic(id, o, 'C49.22', '8890/3', '2026-03-02', '2026-10-26'), ...baseline(id, o, 1)],
  },
  {
    patientId: 'sts-lms-doxo-trab',
    family: 'Metastatic LMS',
    given: 'On doxorubicin + trabectedin (cycle 3)',
    birthDate: '1966-12-01',
    gender: 'female',
    patientView: ['M-LMS-1L-DOXO-TRAB', 'M-2L-GEM-DOCE', 'M-TRIAL'],
    orders: [
      {
        drugs: ['doxorubicin', 'trabectedin'],
        reaches: 'M-LMS-1L-DOXO-TRAB',
        doses: { doxorubicin: { value: 60, unit: 'mg/m2' } },
      },
      { drugs: ['gemcitabine', 'docetaxel'], reaches: 'M-2L-GEM-DOCE' },
    ],
    resources: (id, o) => [
      ...metastatic(id, o, 'C49.4', '8890/3', '2025-12-10', '2026-09-15'),
      ...baseline(id, o, 1, 62, '2026-09-28'),
      ...given(id, o, 'doxorubicin', 'doxorubicin', cycles('2026-10-05', 3), { doseMgM2: 60 }),
      ...given(id, o, 'trabectedin', 'trabectedin', cycles('2026-10-05', 3), { doseMgM2: 1.1 }),
      ...given(id, o, 'dexrazoxane', 'dexrazoxane', ['2026-11-16']),
    ],
  },
  {
    patientId: 'sts-lms-trab-maint',
    family: 'Metastatic LMS',
    given: 'Trabectedin maintenance after 6 cycles, disease stable',
    birthDate: '1958-03-09',
    gender: 'female',
    patientView: ['M-LMS-TRAB-MAINT', 'M-2L-GEM-DOCE', 'M-TRIAL'],
    orders: [
      { drugs: ['trabectedin'], reaches: 'M-LMS-TRAB-MAINT' },
      {
        drugs: ['doxorubicin'],
        reaches: 'S-DOXO-CUMULATIVE-WARN',
        doses: { doxorubicin: { value: 60, unit: 'mg/m2' } },
      },
    ],
    resources: (id, o) => [
      ...metastatic(id, o, 'C49.5', '8890/3', '2026-01-12', '2026-04-20'),
      observation.stageGroup('IV', '2026-04-20', { ...o, id: id('stage'), focusId: id('dx') }),
      ...baseline(id, o, 1, 58, '2026-09-01'),
      ...given(id, o, 'doxorubicin', 'doxorubicin', cycles('2026-05-04', 6), { doseMgM2: 60 }),
      ...given(id, o, 'trabectedin', 'trabectedin', [...cycles('2026-05-04', 6), ...cycles('2026-09-07', 4)], {
        doseMgM2: 1.1,
      }),
      // F10: restaging during maintenance, mCODE CancerDiseaseStatus "stable" linked by focus (maintenance "if no progression").
      observation.diseaseStatus('359746009', '2026-11-02', { ...o, id: id('disease-status'), focusId: id('dx') }),
    ],
  },
  {
    patientId: 'sts-lps-2l',
    family: 'Metastatic dedifferentiated LPS',
    given: 'Second line after doxorubicin',
    birthDate: '1953-10-21',
    gender: 'male',
    patientView: ['M-2L-GEM-DOCE', 'M-TRIAL'],
    orders: [
      { drugs: ['gemcitabine', 'docetaxel'], reaches: 'M-2L-GEM-DOCE' },
      { drugs: ['eribulin'], reaches: 'M-3L-ERIBULIN' },
      { drugs: ['pazopanib'], reaches: 'S-PAZO-ADIPOCYTIC' },
      { drugs: ['doxorubicin'], reaches: 'S-DOXO-LVEF-UNKNOWN' },
      { drugs: ['trabectedin'], reaches: 'S-TRAB-LVEF' },
    ],
    resources: (id, o) => [
      ...metastatic(id, o, 'C48.0', '8858/3', '2025-06-03', '2026-01-14'),
      ...baseline(id, o, 1, 57, '2026-08-20'),
      // The mCODE examples' product coding: matched by its display (§6).
      ...given(id, o, { product: EXAMPLE_CODES.doxorubicinProduct }, 'doxorubicin', cycles('2026-02-02', 3), {
        doseMgM2: 75,
      }),
    ],
  },
  {
    patientId: 'sts-lps-3l',
    family: 'Metastatic LPS',
    given: 'Third line after doxorubicin and gemcitabine + docetaxel, progression recorded',
    birthDate: '1957-05-16',
    gender: 'female',
    patientView: ['M-3L-TRABECTEDIN', 'M-3L-ERIBULIN', 'M-TRIAL'],
    orders: [
      { drugs: ['eribulin'], reaches: 'M-3L-ERIBULIN' },
      { drugs: ['pazopanib'], reaches: 'S-PAZO-ADIPOCYTIC' },
      { drugs: ['gemcitabine', 'docetaxel'], reaches: 'S-REPEAT' },
      { drugs: ['trabectedin'], reaches: 'S-BILIRUBIN-HIGH' },
    ],
    resources: (id, o) => [
      ...metastatic(id, o, 'C48.8', '8858/3', '2024-11-05', '2025-09-08'),
      observation.bilirubin(2.1, 1.2, '2026-11-16', { ...o, id: id('bilirubin') }),
      ...baseline(id, o, 1, 56, '2026-08-02'),
      ...given(id, o, 'doxorubicin', 'doxorubicin', cycles('2025-09-29', 6), { doseMgM2: 75 }),
      ...given(id, o, 'gemcitabine', 'gemcitabine', cycles('2026-03-02', 6), { doseMg: 1600 }),
      ...given(id, o, 'docetaxel', 'docetaxel', cycles('2026-03-10', 6), { doseMg: 130 }),
      observation.bsa(1.78, '2026-03-02', 'm2', { ...o, id: id('bsa') }),
      // F10: progression after gemcitabine + docetaxel (mCODE CancerDiseaseStatus "worsened", linked by focus): the
      // line-3 cards say "Progression recorded on ... after gemcitabine + docetaxel" and list both prior regimens.
      observation.diseaseStatus('271299001', '2026-07-20', { ...o, id: id('disease-status'), focusId: id('dx') }),
    ],
  },
  {
    patientId: 'sts-synovial-3l',
    family: 'Metastatic synovial sarcoma',
    given: 'Third line after doxorubicin + ifosfamide and gemcitabine + docetaxel',
    birthDate: '1985-08-27',
    gender: 'male',
    patientView: ['M-3L-PAZOPANIB', 'M-TRIAL'],
    orders: [
      { drugs: ['pazopanib'], reaches: 'M-3L-PAZOPANIB' },
      { drugs: ['trabectedin'], reaches: 'S-TRABECTEDIN-HISTOLOGY' },
      { drugs: ['eribulin'], reaches: 'S-ERIBULIN-NON-LPS' },
    ],
    resources: (id, o) => [
      ...metastatic(id, o, 'C49.21', '9040/3', '2024-09-17', '2025-07-01'),
      ...baseline(id, o, 0, 63, '2026-07-15'),
      ...given(id, o, 'doxorubicin', 'doxorubicin', cycles('2025-07-21', 6), { doseMgM2: 75 }),
      ...given(id, o, 'ifosfamide', 'ifosfamide', cycles('2025-07-21', 6), { doseMgM2: 2500 }),
      ...given(id, o, 'mesna', 'mesna', cycles('2025-07-21', 6)),
      ...given(id, o, 'gemcitabine', 'gemcitabine', cycles('2026-02-09', 5), { doseMgM2: 900 }),
      ...given(id, o, 'docetaxel', 'docetaxel', cycles('2026-02-17', 5), { doseMgM2: 75 }),
    ],
  },
  {
    patientId: 'sts-ups-ecog2',
    family: 'Metastatic UPS',
    given: 'First line, ECOG 2',
    birthDate: '1951-12-05',
    gender: 'male',
    patientView: ['M-1L-DOXO', 'M-TRIAL'],
    orders: [
      { drugs: ['doxorubicin', 'ifosfamide'], reaches: 'S-COMBO-ECOG' },
      // §5 step 7: pembrolizumab for metastatic UPS is a histology-specific option (SARC028), not S-PEMBRO-SETTING.
      { drugs: ['pembrolizumab'], reaches: 'HISTOLOGY-SPECIFIC-OPTION' },
    ],
    resources: (id, o) => [...metastatic(id, o, 'C49.20', '8830/3', '2026-02-14', '2026-10-30'), ...baseline(id, o, 2)],
  },
  {
    patientId: 'sts-ecog3',
    family: 'Metastatic angiosarcoma',
    given: 'ECOG 3',
    birthDate: '1950-04-11',
    gender: 'female',
    patientView: ['M-1L-DOXO', 'M-TRIAL'],
    rules: ['S-ECOG-POOR'],
    orders: [{ drugs: ['doxorubicin'], reaches: 'S-ECOG-POOR' }],
    resources: (id, o) => [...metastatic(id, o, 'C49.3', '9120/3', '2026-06-01', '2026-11-02'), ...baseline(id, o, 3)],
  },
  {
    patientId: 'sts-lms-lvef45',
    family: 'Metastatic LMS',
    given: 'LVEF 45 %',
    birthDate: '1956-01-19',
    gender: 'male',
    patientView: ['D-ANTHRACYCLINE-CONTRAINDICATED', 'M-2L-GEM-DOCE', 'M-TRIAL'],
    rules: ['S-DOXO-LVEF'],
    orders: [
      { drugs: ['doxorubicin'], reaches: 'S-DOXO-LVEF' },
      { drugs: ['gemcitabine', 'docetaxel'], reaches: 'M-2L-GEM-DOCE' },
    ],
    resources: (id, o) => [
      ...metastatic(id, o, 'C49.6', '8891/3', '2026-04-07', '2026-10-19'),
      ...baseline(id, o, 1, 45, '2026-11-10'),
    ],
  },
  {
    // §3 step 7: the limit reached during the current course ends doxorubicin; it is not progression, so the next step
    // (gemcitabine + docetaxel) carries no draft orders. The course is the usual EHR shape: one order, six linked
    // administrations (F7: a known 450 mg/m², not "unknown").
    patientId: 'sts-doxo-450',
    family: 'Metastatic LMS',
    given: 'Just finished 6 x 75 mg/m2 doxorubicin (cumulative 450 mg/m2)',
    birthDate: '1960-10-08',
    gender: 'female',
    patientView: ['M-1L-DOXO', 'M-2L-GEM-DOCE', 'M-TRIAL'],
    rules: ['S-DOXO-CUMULATIVE'],
    orders: [
      { drugs: ['doxorubicin'], reaches: 'S-DOXO-CUMULATIVE', doses: { doxorubicin: { value: 75, unit: 'mg/m2' } } },
    ],
    resources: (id, o) => [
      ...metastatic(id, o, 'C49.22', '8890/3', '2026-01-20', '2026-07-13'),
      ...baseline(id, o, 1, 55, '2026-11-18'),
      doseOrder(id('doxorubicin-order'), o, 'doxorubicin', '2026-08-03', 75, {
        start: '2026-08-03',
        end: '2026-11-16',
      }),
      ...given(id, o, 'doxorubicin', 'doxorubicin', cycles('2026-08-03', 6), { doseMgM2: 75 }).map((a) => ({
        ...a,
        request: { reference: `MedicationRequest/${id('doxorubicin-order')}` },
      })),
    ],
  },
  {
    patientId: 'sts-doxo-320',
    family: 'Metastatic LMS',
    given: 'On doxorubicin, cumulative 320 mg/m2',
    birthDate: '1963-06-30',
    gender: 'female',
    patientView: ['M-1L-DOXO', 'M-2L-GEM-DOCE', 'M-TRIAL'],
    rules: ['S-DOXO-CUMULATIVE-WARN'],
    orders: [
      {
        drugs: ['doxorubicin'],
        reaches: 'S-DOXO-CUMULATIVE-WARN',
        doses: { doxorubicin: { value: 75, unit: 'mg/m2' } },
      },
    ],
    resources: (id, o) => {
      const [c1, c2, c3, c4] = cycles('2026-08-31', 4, 21) as [string, string, string, string];
      return [
        ...metastatic(id, o, 'C49.11', '8896/3', '2026-03-16', '2026-08-10'),
        observation.ecog(1, '2026-08-24', { ...o, id: id('ecog') }),
        observation.lvef(61, '2026-11-17', { ...o, id: id('lvef') }),
        // Height and weight in the mCODE examples' units: Mosteller BSA from [in_i] and [lb_av].
        observation.height(66, '2026-08-24', '[in_i]', { ...o, id: id('height') }),
        observation.weight(150, '2026-08-24', '[lb_av]', { ...o, id: id('weight') }),
        // 2 x 75 mg/m2, then 2 x 153 mg with a same-day BSA of 1.8 m2 (85 mg/m2 each): 320 mg/m2.
        ...given(id, o, 'doxorubicin', 'doxorubicin', [c1, c2], { doseMgM2: 75 }),
        medicationAdministration({ ...o, id: id('doxorubicin-3'), drug: 'doxorubicin', date: c3, doseMg: 153 }),
        medicationAdministration({ ...o, id: id('doxorubicin-4'), drug: 'doxorubicin', date: c4, doseMg: 153 }),
        observation.bsa(1.8, c3, 'm2', { ...o, id: id('bsa-3') }),
        observation.bsa(1.8, c4, 'm2', { ...o, id: id('bsa-4') }),
      ];
    },
  },
  {
    patientId: 'sts-anthracycline-free',
    family: 'Metastatic LMS',
    given: 'Gemcitabine + docetaxel without anthracycline',
    birthDate: '1969-02-13',
    gender: 'female',
    patientView: ['M-3L-TRABECTEDIN', 'M-3L-PAZOPANIB', 'M-TRIAL'],
    resources: (id, o) => [
      ...metastatic(id, o, 'C49.5', '8890/3', '2025-08-11', '2026-01-05'),
      ...baseline(id, o, 1, 59, '2026-10-14'),
      ...given(id, o, 'gemcitabine', 'gemcitabine', cycles('2026-02-02', 6), { doseMgM2: 900 }),
      ...given(id, o, 'docetaxel', 'docetaxel', cycles('2026-02-10', 6), { doseMgM2: 75 }),
    ],
  },
  {
    patientId: 'sts-current-off-pathway',
    family: 'Metastatic LMS',
    given: 'On ifosfamide alone',
    birthDate: '1972-09-24',
    gender: 'male',
    patientView: ['CURRENT-OFF-PATHWAY', 'M-TRIAL'],
    resources: (id, o) => [
      ...metastatic(id, o, 'C49.21', '8890/3', '2026-04-20', '2026-09-28'),
      ...baseline(id, o, 1, 60, '2026-10-12'),
      ...given(id, o, 'ifosfamide', 'ifosfamide', cycles('2026-10-12', 2), { doseMgM2: 2500 }),
      ...given(id, o, 'mesna', 'mesna', cycles('2026-10-12', 2)),
    ],
  },
  {
    patientId: 'sts-epirubicin-ifosfamide',
    family: 'Metastatic LMS',
    given:
      'On epirubicin + ifosfamide (ISG-STS 1001 regimen): not a pathway node, epirubicin counted as an anthracycline',
    birthDate: '1969-02-17',
    gender: 'female',
    patientView: ['CURRENT-OFF-PATHWAY', 'M-TRIAL'],
    resources: (id, o) => [
      ...metastatic(id, o, 'C49.12', '8890/3', '2026-05-04', '2026-09-21'),
      ...baseline(id, o, 1, 60, '2026-10-05'),
      ...given(id, o, 'epirubicin', 'epirubicin', cycles('2026-10-19', 2), { doseMgM2: 120 }),
      ...given(id, o, 'ifosfamide', 'ifosfamide', cycles('2026-10-19', 2), { doseMgM2: 9000 }),
      ...given(id, o, 'mesna', 'mesna', cycles('2026-10-19', 2)),
    ],
  },
  {
    patientId: 'sts-gist-lms',
    family: 'Gastric GIST and metastatic LMS of the thigh',
    given: "Second primary: the LMS pathway at line 1 (current imatinib is the GIST's), the GIST its own pathway",
    birthDate: '1957-10-30',
    gender: 'male',
    patientView: ['M-LMS-1L-DOXO-TRAB', 'M-1L-DOXO', 'M-TRIAL', 'X-SPECIALTY'],
    orders: [{ drugs: ['doxorubicin', 'trabectedin'], reaches: 'M-LMS-1L-DOXO-TRAB' }],
    resources: (id, o) => [
      stsCondition({ ...o, id: id('gist'), icd10: 'C49.A2', morphology: '8936/3', onset: '2025-03-10' }),
      ...metastatic(id, o, 'C49.21', '8890/3', '2026-06-08', '2026-10-19'),
      ...baseline(id, o, 1),
      ongoingStatement(id('imatinib'), o, 'imatinib', '2025-04-01'),
    ],
  },
  // ---- Extent from one kind of evidence ----
  {
    patientId: 'sts-m1-only',
    family: 'Metastatic angiosarcoma',
    given: 'Metastasis from an M1 Observation only',
    birthDate: '1965-03-03',
    gender: 'male',
    patientView: ['M-1L-DOXO', 'M-TRIAL'],
    resources: (id, o) => [
      stsCondition({ ...o, id: id('dx'), icd10: 'C49.0', morphology: '9120/3', onset: '2026-09-01' }),
      observation.mCategory('M1', '2026-09-20', { ...o, id: id('m') }),
      ...baseline(id, o, 1),
    ],
  },
  {
    patientId: 'sts-stage4-only',
    family: 'Metastatic myxoid LPS',
    given: 'Metastasis from stage IV only',
    birthDate: '1974-07-07',
    gender: 'female',
    patientView: ['M-1L-DOXO', 'M-TRIAL'],
    orders: [{ drugs: ['pazopanib'], reaches: 'S-PAZO-ADIPOCYTIC' }],
    resources: (id, o) => [
      stsCondition({ ...o, id: id('dx'), icd10: 'C49.20', morphology: '8852/3', onset: '2026-08-12' }),
      observation.stageGroup('IV', '2026-09-03', { ...o, id: id('stage'), focusId: id('dx') }),
      ...baseline(id, o, 0),
    ],
  },
  {
    patientId: 'sts-secondary-profile-only',
    family: 'Metastatic UPS',
    given: 'Metastasis from the mCODE secondary profile only',
    birthDate: '1961-11-29',
    gender: 'male',
    patientView: ['M-1L-DOXO', 'M-TRIAL'],
    resources: (id, o) => [
      stsCondition({ ...o, id: id('dx'), icd10: 'C49.10', morphology: '8830/3', onset: '2026-05-05' }),
      secondaryCondition({
        ...o,
        id: id('met'),
        primaryId: id('dx'),
        profile: 'only',
        onset: '2026-10-07',
        text: 'Pulmonary nodules, metastatic',
      }),
      ...baseline(id, o, 1),
    ],
  },
  {
    patientId: 'sts-outside-doxorubicin',
    family: 'Metastatic dedifferentiated LPS',
    given:
      'Doxorubicin given at another hospital (reported orders, 6 x 75 mg/m2: a possible 450 mg/m2), LVEF as a SNOMED fraction, ECOG as a LOINC answer',
    birthDate: '1966-05-09',
    gender: 'male',
    patientView: ['M-2L-GEM-DOCE', 'M-TRIAL'],
    orders: [
      {
        drugs: ['doxorubicin'],
        reaches: 'S-DOXO-CUMULATIVE-WARN',
        doses: { doxorubicin: { value: 75, unit: 'mg/m2' } },
      },
    ],
    resources: (id, o) => [
      ...metastatic(id, o, 'C48.0', '8858/3', '2025-09-15', '2025-10-06'),
      // The outside course as the receiving EHR records it: reported (outside) orders with their doses, no administrations.
      ...cycles('2025-10-20', 6).map((date, i) => ({
        ...doseOrder(id(`outside-doxorubicin-${i + 1}`), o, 'doxorubicin', date, 75, { start: date, end: date }),
        reportedBoolean: true,
      })),
      // ECOG as a LOINC answer code (LA9623-5, ECOG 1); LVEF under SNOMED 250908004 as a fraction (0.58 = 58 %).
      {
        ...observation.ecog(1, '2026-11-02', { ...o, id: id('ecog') }),
        valueInteger: undefined,
        valueCodeableConcept: {
          coding: [{ system: SYSTEMS.loinc, code: 'LA9623-5', display: 'Symptomatic but completely ambulatory' }],
        },
      },
      {
        ...observation.lvef(58, '2026-11-02', { ...o, id: id('lvef') }),
        code: {
          coding: [{ system: SYSTEMS.snomed, code: '250908004', display: 'Left ventricular ejection fraction' }],
        },
        valueQuantity: { value: 0.58, unit: '1', system: SYSTEMS.ucum, code: '1' },
      },
      observation.height(178, '2026-11-02', 'cm', { ...o, id: id('height') }),
      observation.weight(80, '2026-11-02', 'kg', { ...o, id: id('weight') }),
    ],
  },
  {
    patientId: 'sts-meds-text-only',
    family: 'Metastatic LPS',
    given: 'Treatment history recorded as text only',
    birthDate: '1967-01-22',
    gender: 'female',
    patientView: ['M-3L-TRABECTEDIN', 'M-3L-ERIBULIN', 'M-TRIAL'],
    orders: [
      {
        drugs: ['doxorubicin'],
        reaches: 'S-DOXO-CUMULATIVE-WARN',
        doses: { doxorubicin: { value: 75, unit: 'mg/m2' } },
      },
    ],
    resources: (id, o) => [
      stsCondition({ ...o, id: id('dx'), icd10: 'C49.4', morphology: '8854/3', onset: '2025-02-10' }),
      secondaryCondition({
        ...o,
        id: id('met'),
        primaryId: id('dx'),
        code: METASTASIS_SNOMED_EXAMPLE,
        onset: '2025-05-12',
      }),
      ...baseline(id, o, 1, 58, '2026-09-30'),
      ...given(id, o, { text: 'Adriamycin 75 mg/m2 IV' }, 'adriamycin', cycles('2025-06-02', 4), { doseMgM2: 75 }),
      medicationStatement({
        ...o,
        id: id('doxil'),
        drug: { text: 'Doxil (doxorubicin HCl liposome injection)' },
        date: '2025-09-01',
        end: '2025-11-03',
      }),
      ...given(id, o, { text: 'Gemzar' }, 'gemzar', cycles('2026-01-12', 4), { doseMgM2: 900 }),
      ...given(id, o, { text: 'Taxotere' }, 'taxotere', cycles('2026-01-20', 4), { doseMgM2: 75 }),
    ],
  },
  // ---- Outside the pathway ----
  {
    patientId: 'sts-gist',
    family: 'GIST of the stomach',
    given: 'Specialty histology',
    birthDate: '1954-08-15',
    gender: 'male',
    patientView: ['X-SPECIALTY'],
    orders: [{ drugs: ['olaratumab'], reaches: 'S-OLARATUMAB' }],
    resources: (id, o) => [
      stsCondition({ ...o, id: id('dx'), icd10: 'C49.A2', morphology: '8936/3', onset: '2026-07-07' }),
      observation.mCategory('M0', '2026-07-07', { ...o, id: id('m'), focusId: id('dx') }),
      ...baseline(id, o, 0),
    ],
  },
  {
    patientId: 'sts-desmoid',
    family: 'Desmoid tumor of the abdominal wall',
    given: 'Specialty histology (D48.1)',
    birthDate: '1983-05-04',
    gender: 'female',
    patientView: ['X-SPECIALTY'],
    resources: (id, o) => [
      stsCondition({ ...o, id: id('dx'), icd10: 'D48.1', morphology: '8821/1', onset: '2026-06-15' }),
      ...baseline(id, o, 0),
    ],
  },
  {
    patientId: 'sts-kaposi',
    family: 'Kaposi sarcoma of skin',
    given: 'Specialty histology',
    birthDate: '1979-12-12',
    gender: 'male',
    patientView: ['X-SPECIALTY'],
    resources: (id, o) => [
      stsCondition({ ...o, id: id('dx'), icd10: 'C46.0', morphology: '9140/3', onset: '2026-09-09' }),
      ...baseline(id, o, 1),
    ],
  },
  {
    patientId: 'sts-asps',
    family: 'Metastatic alveolar soft part sarcoma',
    given: 'Specialty histology',
    birthDate: '1984-02-02',
    gender: 'female',
    patientView: ['X-SPECIALTY'],
    resources: (id, o) => [...metastatic(id, o, 'C49.22', '9581/3', '2025-10-01', '2026-06-01'), ...baseline(id, o, 0)],
  },
  {
    patientId: 'sts-clear-cell',
    family: 'Clear cell sarcoma of the foot',
    given: 'Histology not covered',
    birthDate: '1980-10-10',
    gender: 'male',
    patientView: ['X-UNCOVERED'],
    resources: (id, o) => [...localized(id, o, 'C49.22', '9044/3', '2026-08-25', 3), ...baseline(id, o, 0)],
  },
  {
    patientId: 'sts-pediatric-rms',
    family: 'Embryonal rhabdomyosarcoma',
    given: 'Pediatric patient',
    birthDate: '2014-03-10',
    gender: 'male',
    patientView: ['X-PEDIATRIC'],
    orders: [{ drugs: ['olaratumab'], reaches: 'S-OLARATUMAB' }],
    resources: (id, o) => [
      ...localized(id, o, 'C49.0', '8910/3', '2026-09-14'),
      observation.height(142, '2026-09-14', 'cm', { ...o, id: id('height') }),
      observation.weight(36, '2026-09-14', 'kg', { ...o, id: id('weight') }),
    ],
  },
  // ---- Data problems ----
  {
    patientId: 'sts-missing-histology',
    family: 'Sarcoma of the thigh',
    given: 'Histology not recorded',
    birthDate: '1970-04-04',
    gender: 'female',
    patientView: ['D-MISSING-HISTOLOGY'],
    orders: [{ drugs: ['doxorubicin'], reaches: 'POSITION-UNKNOWN' }],
    resources: (id, o) => [...localized(id, o, 'C49.21', undefined, '2026-10-05'), ...baseline(id, o, 1)],
  },
  {
    patientId: 'sts-conflicting-histology',
    family: 'Metastatic sarcoma',
    given: 'Conflicting histology (LMS and LPS Conditions)',
    birthDate: '1960-06-06',
    gender: 'male',
    patientView: ['D-HISTOLOGY-CONFLICT'],
    resources: (id, o) => [
      ...metastatic(id, o, 'C49.22', '8890/3', '2026-02-02', '2026-09-07'),
      stsCondition({ ...o, id: id('dx-2'), icd10: 'C48.0', morphology: '8858/3', onset: '2026-03-03' }),
      ...baseline(id, o, 1),
    ],
  },
  {
    patientId: 'sts-missing-extent',
    family: 'LMS of the thigh',
    given: 'Extent not recorded',
    birthDate: '1958-08-08',
    gender: 'female',
    patientView: ['D-MISSING-EXTENT'],
    resources: (id, o) => [
      stsCondition({ ...o, id: id('dx'), icd10: 'C49.21', morphology: '8890/3', onset: '2026-10-12' }),
      ...baseline(id, o, 1),
    ],
  },
  {
    patientId: 'sts-unconfirmed',
    family: 'Suspected sarcoma of the thigh',
    given: 'Diagnosis provisional',
    birthDate: '1975-09-19',
    gender: 'male',
    patientView: ['D-UNCONFIRMED'],
    resources: (id, o) => [
      stsCondition({
        ...o,
        id: id('dx'),
        icd10: 'C49.22',
        morphology: '8890/3',
        onset: '2026-11-06',
        verificationStatus: 'provisional',
      }),
      ...baseline(id, o, 0),
    ],
  },
  {
    patientId: 'sts-other-primary',
    family: 'LMS and breast cancer',
    given: 'Metastasis belongs to the breast cancer',
    birthDate: '1957-02-17',
    gender: 'female',
    patientView: ['D-MISSING-EXTENT'],
    resources: (id, o) => [
      stsCondition({ ...o, id: id('dx'), icd10: 'C49.21', morphology: '8890/3', onset: '2026-08-03' }),
      otherCondition({ ...o, id: id('breast'), code: EXAMPLE_CODES.breast, primaryProfile: true, onset: '2023-04-11' }),
      secondaryCondition({
        ...o,
        id: id('met'),
        primaryId: id('breast'),
        code: EXAMPLE_CODES.lungMetastasisIcd10,
        onset: '2026-09-21',
      }),
      observation.mCategory('M1', '2026-09-21', { ...o, id: id('m'), focusId: id('breast') }),
      ...baseline(id, o, 1),
    ],
  },
  {
    patientId: 'sts-none',
    family: 'Breast cancer',
    given: 'No sarcoma',
    birthDate: '1966-05-28',
    gender: 'female',
    patientView: [],
    orders: [],
    resources: (id, o) => [
      otherCondition({ ...o, id: id('breast'), code: EXAMPLE_CODES.breast, primaryProfile: true, onset: '2025-03-03' }),
      medicationRequest({ ...o, id: id('paclitaxel'), drug: 'paclitaxel', authoredOn: '2026-11-10' }),
      ...baseline(id, o, 0),
    ],
  },
];

/** One line of demo/index.json. */
export interface DemoIndexEntry {
  readonly file: string;
  readonly patientId: string;
  readonly name: string;
  /** Every node and rule id the patient reaches: patient-view topics, rules shown through their effect, order-time cards. */
  readonly demonstrates: readonly (NodeId | RuleId)[];
  readonly patientView: readonly NodeId[];
  readonly orders: readonly DemoOrder[];
}

/** Every demo file (a transaction Bundle per patient) and the index. */
export const buildDemo = (): {
  readonly files: readonly { file: string; bundle: Bundle }[];
  readonly index: readonly DemoIndexEntry[];
} => {
  const files: { file: string; bundle: Bundle }[] = [];
  const index = PATIENTS.map((p): DemoIndexEntry => {
    const o = { patientId: p.patientId };
    const id = (suffix: string): string => `${p.patientId}-${suffix}`;
    const resources = [
      patient({ id: p.patientId, family: p.family, given: p.given, birthDate: p.birthDate, gender: p.gender }),
      ...p.resources(id, o),
    ];
    const file = `${p.patientId}.json`;
    files.push({ file, bundle: bundleOf(resources.map(withConditionText)) });
    const demonstrates = [
      ...new Set([...p.patientView, ...(p.rules ?? []), ...(p.orders ?? []).map((x) => x.reaches)]),
    ];
    return {
      file,
      patientId: p.patientId,
      name: `${p.family}: ${p.given}`,
      demonstrates,
      patientView: p.patientView,
      orders: p.orders ?? [],
    };
  });
  return { files, index };
};

/**
 * A Condition whose code has no text gets its first coding's display as text: EHR pickers list Conditions by it (the
 * CDS Hooks sandbox's "Treating" list shows a blank entry without it).
 */
function withConditionText(resource: FhirResource): FhirResource {
  if (resource.resourceType !== 'Condition' || resource.code === undefined || resource.code.text !== undefined)
    return resource;
  const display = resource.code.coding?.find((c) => c.display !== undefined)?.display;
  return display === undefined ? resource : { ...resource, code: { ...resource.code, text: display } };
}

/** The text a demo JSON file holds. */
export const toFileText = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
