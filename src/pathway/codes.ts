/**
 * Code sets of PATHWAY.md §2 and §7: diagnosis, histology, observations, metastasis, site, procedures.
 */
import { SYSTEMS } from './systems.js';

/** One code of a code system; `toVerify` marks a PATHWAY.md "(to verify)" code: matched on input, never emitted. */
export interface CodeDef {
  readonly system: string;
  readonly code: string;
  readonly display?: string;
  readonly toVerify?: boolean;
}

const icd10 = (code: string, display?: string): CodeDef => ({
  system: SYSTEMS.icd10cm,
  code,
  ...(display ? { display } : {}),
});
const loinc = (code: string, display?: string, toVerify?: boolean): CodeDef => ({
  system: SYSTEMS.loinc,
  code,
  ...(display ? { display } : {}),
  ...(toVerify ? { toVerify } : {}),
});
const snomed = (code: string, display?: string): CodeDef => ({
  system: SYSTEMS.snomed,
  code,
  ...(display ? { display } : {}),
});

// Displays are the ICD-10-CM titles (PATHWAY.md lists the codes only).
const CT = 'Malignant neoplasm of connective and soft tissue of';

/** §7.1 STS diagnosis set (ICD-10-CM). */
export const STS_DIAGNOSIS_CODES: readonly CodeDef[] = [
  icd10('C49.0', `${CT} head, face and neck`),
  icd10('C49.10', `${CT} unspecified upper limb, including shoulder`),
  icd10('C49.11', `${CT} right upper limb, including shoulder`),
  icd10('C49.12', `${CT} left upper limb, including shoulder`),
  icd10('C49.20', `${CT} unspecified lower limb, including hip`),
  icd10('C49.21', `${CT} right lower limb, including hip`),
  icd10('C49.22', `${CT} left lower limb, including hip`),
  icd10('C49.3', `${CT} thorax`),
  icd10('C49.4', `${CT} abdomen`),
  icd10('C49.5', `${CT} pelvis`),
  icd10('C49.6', `${CT} trunk, unspecified`),
  icd10('C49.8', 'Malignant neoplasm of overlapping sites of connective and soft tissue'),
  icd10('C49.9', 'Malignant neoplasm of connective and soft tissue, unspecified'),
  icd10('C48.0', 'Malignant neoplasm of retroperitoneum'),
  icd10('C48.1', 'Malignant neoplasm of specified parts of peritoneum'),
  icd10('C48.2', 'Malignant neoplasm of peritoneum, unspecified'),
  icd10('C48.8', 'Malignant neoplasm of overlapping sites of retroperitoneum and peritoneum'),
];

/** §7.1 / F2 rule 0: ICD-10-CM prefixes that make a Condition STS of class SPECIALTY (GIST C49.A*, Kaposi C46.*). */
export const SPECIALTY_DIAGNOSIS_PREFIXES: readonly string[] = ['C49.A', 'C46'];

/** Histology classes of F2 that come from a code (UNCOVERED and UNKNOWN are derived). */
export type HistologyClass = 'LMS' | 'LPS' | 'UPS' | 'OTHER' | 'SPECIALTY';

/** Specialty histologies of §4.4, each with its own X-SPECIALTY statement. */
export type SpecialtyKind = 'GIST' | 'desmoid' | 'Kaposi' | 'ASPS' | 'rhabdomyosarcoma' | 'Ewing';

/** An ICD-O-3 morphology code of §7.2; `specialty` only on SPECIALTY codes, `nonSpecific` on 8800/3 and 8805/3. */
export interface HistologyCodeDef extends CodeDef {
  readonly specialty?: SpecialtyKind;
  readonly nonSpecific?: boolean;
}

// Displays are the ICD-O-3 preferred terms (PATHWAY.md names the classes only); M-TRIAL searches ClinicalTrials.gov with them.
const icdo = (
  code: string,
  display: string,
  extra: Omit<HistologyCodeDef, 'system' | 'code' | 'display'> = {},
): HistologyCodeDef => ({
  system: SYSTEMS.icdo3,
  code,
  display,
  ...extra,
});

/** §7.2 histology codes by class. */
export const HISTOLOGY_CODES: Readonly<Record<HistologyClass, readonly HistologyCodeDef[]>> = {
  LMS: [
    icdo('8890/3', 'Leiomyosarcoma, NOS'),
    icdo('8891/3', 'Epithelioid leiomyosarcoma'),
    icdo('8896/3', 'Myxoid leiomyosarcoma'),
  ],
  LPS: [
    icdo('8850/3', 'Liposarcoma, NOS'),
    icdo('8851/3', 'Liposarcoma, well differentiated'),
    icdo('8852/3', 'Myxoid liposarcoma'),
    icdo('8853/3', 'Round cell liposarcoma'),
    icdo('8854/3', 'Pleomorphic liposarcoma'),
    icdo('8855/3', 'Mixed liposarcoma'),
    icdo('8858/3', 'Dedifferentiated liposarcoma'),
  ],
  UPS: [
    icdo('8830/3', 'Malignant fibrous histiocytoma'),
    icdo('8802/3', 'Undifferentiated pleomorphic sarcoma', { toVerify: true }),
  ],
  OTHER: [
    icdo('8800/3', 'Sarcoma, NOS', { nonSpecific: true }),
    icdo('8805/3', 'Undifferentiated sarcoma', { nonSpecific: true }),
    icdo('8810/3', 'Fibrosarcoma, NOS'),
    icdo('8811/3', 'Myxofibrosarcoma'),
    icdo('8901/3', 'Pleomorphic rhabdomyosarcoma'),
    icdo('9040/3', 'Synovial sarcoma, NOS'),
    icdo('9041/3', 'Synovial sarcoma, spindle cell'),
    icdo('9042/3', 'Synovial sarcoma, epithelioid cell'),
    icdo('9043/3', 'Synovial sarcoma, biphasic'),
    icdo('9120/3', 'Angiosarcoma'),
    icdo('9540/3', 'Malignant peripheral nerve sheath tumor'),
  ],
  SPECIALTY: [
    icdo('8936/1', 'Gastrointestinal stromal tumor, NOS', { specialty: 'GIST' }),
    icdo('8936/3', 'Gastrointestinal stromal sarcoma', { specialty: 'GIST' }),
    icdo('8821/1', 'Aggressive fibromatosis (desmoid tumor)', { specialty: 'desmoid' }),
    icdo('8822/1', 'Abdominal fibromatosis (desmoid tumor)', { specialty: 'desmoid' }),
    icdo('9140/3', 'Kaposi sarcoma', { specialty: 'Kaposi' }),
    icdo('9581/3', 'Alveolar soft part sarcoma', { specialty: 'ASPS' }),
    icdo('8900/3', 'Rhabdomyosarcoma, NOS', { specialty: 'rhabdomyosarcoma' }),
    icdo('8910/3', 'Embryonal rhabdomyosarcoma', { specialty: 'rhabdomyosarcoma' }),
    icdo('8920/3', 'Alveolar rhabdomyosarcoma', { specialty: 'rhabdomyosarcoma' }),
    icdo('9260/3', 'Ewing sarcoma', { specialty: 'Ewing', toVerify: true }),
  ],
};

/** F2: non-specific codes (class OTHER only when no specific code is found). */
export const NON_SPECIFIC_HISTOLOGY: readonly string[] = ['8800/3', '8805/3'];

/** §3 step 6: well-differentiated liposarcoma, excluded from neoadjuvant doxorubicin + ifosfamide. */
export const WELL_DIFFERENTIATED_LPS = '8851/3';

/** F1: desmoid tumors coded D48.1 (uncertain behavior) qualify only through a desmoid histology (8821/1, 8822/1). */
export const UNCERTAIN_BEHAVIOR_ICD10 = 'D48.1';
export const UNCERTAIN_BEHAVIOR_HISTOLOGY: readonly string[] = ['8821/1', '8822/1'];

/** GIST is specialty from ICD-10-CM C49.A* whatever the histology; used to name the subtype of rule-0 Conditions. */
export const SPECIALTY_BY_ICD10_PREFIX: Readonly<Record<string, SpecialtyKind>> = { 'C49.A': 'GIST', C46: 'Kaposi' };

/** §7.2 "sarcoma codes": /3 morphologies in these inclusive 4-digit ranges are sarcomas (UNCOVERED when not listed). */
export const SARCOMA_MORPHOLOGY_RANGES: readonly (readonly [number, number])[] = [
  [8800, 8939],
  [8990, 8999],
  [9040, 9044],
  [9120, 9133],
  [9150, 9150],
  [9170, 9170],
  [9231, 9231],
  [9251, 9251],
  [9260, 9260],
  [9364, 9364],
  [9540, 9581],
];

/** §7.3 observation codes by fact. */
export const OBSERVATION_CODES = {
  ecog: [loinc('89247-1', 'ECOG Performance Status score')],
  karnofsky: [loinc('89243-0', 'Karnofsky Performance Status score')],
  // §7.3: LOINC 10230-1, SNOMED 250908004 and the method-specific LOINC codes (their methods "to verify"): all matched
  // only, never emitted.
  lvef: [
    loinc('10230-1', 'Left ventricular Ejection fraction'),
    snomed('250908004', 'Left ventricular ejection fraction (observable entity)'),
    loinc('8808-8', undefined, true),
    loinc('8811-2', undefined, true),
    loinc('18043-0', undefined, true),
    loinc('8806-2', undefined, true),
    loinc('8810-4', undefined, true),
  ],
  height: [loinc('8302-2', 'Body height')],
  weight: [loinc('29463-7', 'Body weight')],
  bsa: [loinc('8277-6', 'Body surface area')],
  histology: [loinc('31206-6')],
  grade: [{ system: SYSTEMS.ncit, code: 'C18000', display: 'Histologic Grade' }, loinc('33732-9')],
  mCategory: [loinc('21907-1'), loinc('21901-4'), snomed('277208005'), snomed('399387003'), snomed('371497001')],
  stageGroup: [
    loinc('21908-9'),
    loinc('21902-2'),
    loinc('21914-7'),
    snomed('399390009'),
    snomed('399537006'),
    snomed('399588009'),
  ],
  // §7.3 total bilirubin: from third-party files, matched only (S-BILIRUBIN-HIGH).
  bilirubin: [loinc('1975-2', 'Bilirubin.total [Mass/volume] in Serum or Plasma', true)],
  // §7.3 / F10: mCODE CancerDiseaseStatus.
  diseaseStatus: [loinc('97509-4', 'Cancer Disease Progression')],
} as const satisfies Record<string, readonly CodeDef[]>;

/** §7.3 ECOG answers (valueCodeableConcept): the LOINC answer list LL529-9 and the SNOMED CT ECOG findings, by score. */
export const ECOG_ANSWERS: readonly (CodeDef & { readonly score: number })[] = [
  { ...loinc('LA9622-7'), score: 0 },
  { ...loinc('LA9623-5'), score: 1 },
  { ...loinc('LA9624-3'), score: 2 },
  { ...loinc('LA9625-0'), score: 3 },
  { ...loinc('LA9626-8'), score: 4 },
  { ...loinc('LA9627-6'), score: 5 },
  { ...snomed('425389002'), score: 0 },
  { ...snomed('422512005'), score: 1 },
  { ...snomed('422894000'), score: 2 },
  { ...snomed('423053003'), score: 3 },
  { ...snomed('423237006'), score: 4 },
  { ...snomed('423409001'), score: 5 },
];

/**
 * §7.3 LVEF value rules: UCUM `%` (system UCUM or absent), or a unit text `%`/`percent` without a code; unitless or UCUM
 * `1`: a fraction 0 < v <= 1 (x 100) or 1 < v <= 100 as %; an interpretable value lies within the plausible range.
 */
export const LVEF_VALUE_RULES = {
  percentCodes: ['%'],
  percentUnitTexts: ['%', 'percent'],
  unitlessCodes: ['1'],
  plausibleMinPercent: 5,
  plausibleMaxPercent: 95,
  /** A value with one of these comparators is at most its number (FHIR Quantity.comparator; a text's is normalised). */
  upperBoundComparators: ['<', '<='],
  /** A value with one of these comparators is at least its number. */
  lowerBoundComparators: ['>', '>='],
} as const;

/** F10 disease status classes: only `progression` is read as progression (never assumed). */
export type DiseaseStatusClass = 'progression' | 'no-progression' | 'unknown';

/**
 * F10 values (SNOMED CT, mCODE ConditionStatusTrendVS) with the words PATHWAY.md gives them. 709137006 "undetermined"
 * and any value not listed here are `unknown`.
 */
export const DISEASE_STATUS_VALUES: readonly (CodeDef & { readonly status: DiseaseStatusClass })[] = [
  { ...snomed('271299001', "Patient's condition worsened"), status: 'progression' },
  { ...snomed('268910001', 'improved'), status: 'no-progression' },
  { ...snomed('359746009', 'stable'), status: 'no-progression' },
  { ...snomed('550991000124107', 'Malignant neoplasm in full remission'), status: 'no-progression' },
  { ...snomed('551001000124108', 'Malignant neoplasm in partial remission'), status: 'no-progression' },
  { ...snomed('709137006', 'undetermined'), status: 'unknown' },
];

/** §7.3 total bilirubin above the upper limit of normal: these `interpretation` codes (v3-ObservationInterpretation). */
export const BILIRUBIN_HIGH_INTERPRETATIONS: readonly string[] = ['H', 'HH'];

/** Observation fact names of §7.3. */
export type ObservationFact = keyof typeof OBSERVATION_CODES;

/** §7.3 M1: AJCC codes starting with one of these (any suffix), or a SNOMED AJCC qualifier whose display contains one. */
export const M1_PATTERNS = {
  ajccCodePrefixes: ['cM1', 'pM1', 'M1'],
  snomedDisplayContains: ['cM1', 'pM1', 'M1'],
} as const;

/** §7.3 M0 values: AJCC codes starting with one of these ("with any suffix, as for M1", e.g. cM0(i+)), or SNOMED. */
export const M0 = {
  ajccCodePrefixes: ['cM0', 'pM0', 'M0'],
  snomed: [snomed('1229901006', 'American Joint Committee on Cancer cM0')],
} as const;

/** §7.3 stage group values: stage IV versus I-III by AJCC code prefix or display. */
export const STAGE_GROUP_PATTERNS = {
  stageIV: { ajccCodePrefixes: ['4'], displayContains: ['stage IV', 'stage 4'], displayStartsWith: ['IV'] },
  stageItoIII: { ajccCodePrefixes: ['1', '2', '3'], displayContains: ['stage I', 'stage II', 'stage III'] },
  /** The mCODE examples' form of a stage group value. */
  example: snomed('1222806003', 'American Joint Committee on Cancer stage IIIC'),
} as const;

/** §7.4 ICD-10-CM metastasis prefixes (C77.x lymph-node secondaries "(to verify)"). */
export const METASTASIS_ICD10_PREFIXES: readonly CodeDef[] = [
  { system: SYSTEMS.icd10cm, code: 'C77', toVerify: true },
  icd10('C78'),
  icd10('C79'),
];

/** §7.4 SNOMED secondary malignant neoplastic disease. */
export const METASTASIS_SNOMED: readonly CodeDef[] = [snomed('128462008', 'Secondary malignant neoplastic disease')];

/** §7.4 a SNOMED code whose display starts with this is a metastasis (e.g. 94225005 in the mCODE examples). */
export const METASTASIS_DISPLAY_PREFIX = 'Secondary malignant neoplasm of';

/** §7.4 example metastasis code from the mCODE examples (matched by its display prefix). */
export const METASTASIS_SNOMED_EXAMPLE: CodeDef = snomed('94225005', 'Secondary malignant neoplasm of brain');

/** F4 primary site classes. */
export type Site = 'EXTREMITY' | 'TRUNK_OTHER' | 'RETROPERITONEAL' | 'NON_SOFT_TISSUE' | 'UNKNOWN';

/** §7.5 site of each §7.1 ICD-10-CM code (NON_SOFT_TISSUE comes from F1, not from a code). */
export const SITE_BY_ICD10: Readonly<Record<string, Site>> = {
  'C49.10': 'EXTREMITY',
  'C49.11': 'EXTREMITY',
  'C49.12': 'EXTREMITY',
  'C49.20': 'EXTREMITY',
  'C49.21': 'EXTREMITY',
  'C49.22': 'EXTREMITY',
  'C49.0': 'TRUNK_OTHER',
  'C49.3': 'TRUNK_OTHER',
  'C49.4': 'TRUNK_OTHER',
  'C49.5': 'TRUNK_OTHER',
  'C49.6': 'TRUNK_OTHER',
  'C49.8': 'TRUNK_OTHER',
  'C48.0': 'RETROPERITONEAL',
  'C48.1': 'RETROPERITONEAL',
  'C48.2': 'RETROPERITONEAL',
  'C48.8': 'RETROPERITONEAL',
  'C49.9': 'UNKNOWN',
};

/** §7.6 procedure codes (SNOMED CT). */
export const PROCEDURE_CODES = {
  surgery: snomed('387713003', 'Surgical procedure'),
  rtCourse: snomed('1217123003', 'Radiotherapy course of treatment'),
  rtCategory: snomed('108290001', 'Radiation oncology and/or radiotherapy'),
} as const;

/** F9: a procedure display with one of these whole words (and not `SURGERY_DISPLAY_EXCLUDED`) is surgery. */
export const SURGERY_DISPLAY_WORDS: readonly string[] = ['excision', 'resection'];
export const SURGERY_DISPLAY_EXCLUDED = 'biopsy';

/** §2 "other primary cancer": ICD-10-CM C00-C96 except these prefixes (skin, secondaries). */
export const OTHER_PRIMARY_EXCLUDED_PREFIXES: readonly string[] = ['C44', 'C77', 'C78', 'C79', 'C7B'];

/** F8 grade words (matched against a coding's code or display, or the text). */
export const GRADE_PATTERNS: Readonly<Record<1 | 2 | 3, readonly string[]>> = {
  1: ['grade 1', 'G1', 'low'],
  2: ['grade 2', 'G2', 'intermediate'],
  3: ['grade 3', 'G3', 'high'],
};

/** §2 status sets. */
export const STATUS = {
  observationCounts: ['final', 'amended', 'corrected'],
  conditionActive: ['active', 'recurrence', 'relapse'],
  conditionInactive: ['inactive', 'remission', 'resolved'],
  conditionLocalRecurrence: ['recurrence', 'relapse'],
  verificationIgnored: ['entered-in-error', 'refuted'],
  verificationUnconfirmed: ['provisional', 'differential', 'unconfirmed'],
  administrationExposure: ['completed', 'in-progress', 'stopped'],
  statementExposure: ['active', 'completed', 'stopped'],
  requestExposure: ['completed', 'active'],
  requestIntents: ['order', 'original-order', 'reflex-order', 'filler-order', 'instance-order'],
  /** §5 S-IFOS-MESNA: an existing mesna order counts with these statuses. */
  mesnaOrder: ['active', 'on-hold', 'draft'],
} as const;

/** Every CodeDef of this file, for the "(to verify)" listing. */
export const ALL_CODE_DEFS: readonly CodeDef[] = [
  ...STS_DIAGNOSIS_CODES,
  ...Object.values(HISTOLOGY_CODES).flat(),
  ...Object.values(OBSERVATION_CODES).flat(),
  ...ECOG_ANSWERS,
  ...DISEASE_STATUS_VALUES,
  ...M0.snomed,
  STAGE_GROUP_PATTERNS.example,
  ...METASTASIS_ICD10_PREFIXES,
  ...METASTASIS_SNOMED,
  METASTASIS_SNOMED_EXAMPLE,
  ...Object.values(PROCEDURE_CODES),
];
