/**
 * Codes used only to write demo and test patients: real codes the pathway never matches on by value (it matches
 * their prefix or display), kept here so data builders never write a code literal.
 */
import type { CodeDef } from './codes.js';
import { SYSTEMS } from './systems.js';

/** Example data codes (sources: PATHWAY.md examples, the mCODE 4.0.0 IG examples, ICD-10-CM). */
export const EXAMPLE_CODES = {
  /** PATHWAY.md F1: uterine leiomyosarcoma is coded C55 (a site outside §7.1). */
  uterus: { system: SYSTEMS.icd10cm, code: 'C55', display: 'Malignant neoplasm of uterus, part unspecified' },
  /** GIST of the stomach (§7.1 C49.A*: SPECIALTY whatever the histology). */
  gistStomach: { system: SYSTEMS.icd10cm, code: 'C49.A2', display: 'Gastrointestinal stromal tumor of stomach' },
  /** Kaposi sarcoma of skin (§7.1 C46.*). */
  kaposiSkin: { system: SYSTEMS.icd10cm, code: 'C46.0', display: "Kaposi's sarcoma of skin" },
  /** Desmoid tumors are coded as uncertain-behavior neoplasms; they qualify as STS by histology (F1 (b)). */
  connectiveUncertain: {
    system: SYSTEMS.icd10cm,
    code: 'D48.1',
    display: 'Neoplasm of uncertain behavior of connective and other soft tissue',
  },
  /** An other primary cancer (breast). */
  breast: { system: SYSTEMS.icd10cm, code: 'C50.9', display: 'Malignant neoplasm of breast of unspecified site' },
  /** A §7.4 C78.x metastasis (lung). */
  lungMetastasisIcd10: {
    system: SYSTEMS.icd10cm,
    code: 'C78.00',
    display: 'Secondary malignant neoplasm of unspecified lung',
  },
  /** The mCODE examples' doxorubicin product (matched by its display, §6). */
  doxorubicinProduct: {
    system: SYSTEMS.rxnorm,
    code: '1790099',
    display: '10 ML doxorubicin hydrochloride 2 MG/ML Injection',
  },
  /** AJCC distant metastasis and stage group values of the forms §7.3 reads. */
  ajccCM1: { system: SYSTEMS.ajcc, code: 'cM1', display: 'cM1' },
  ajccCM0: { system: SYSTEMS.ajcc, code: 'cM0', display: 'cM0' },
  ajccStageIV: { system: SYSTEMS.ajcc, code: '4', display: 'Stage IV' },
  ajccStageIII: { system: SYSTEMS.ajcc, code: '3', display: 'Stage III' },
  ajccStageII: { system: SYSTEMS.ajcc, code: '2', display: 'Stage II' },
  /** A sarcoma morphology in the §7.2 ranges but not listed there: class UNCOVERED on a §7.1 Condition. */
  clearCellSarcoma: { system: SYSTEMS.icdo3, code: '9044/3', display: 'Clear cell sarcoma, NOS' },
  /** A carcinoma morphology (not a sarcoma code), for F1 exclusions. */
  adenocarcinoma: { system: SYSTEMS.icdo3, code: '8140/3', display: 'Adenocarcinoma, NOS' },
  /** Condition categories. */
  problemListItem: { system: SYSTEMS.conditionCategory, code: 'problem-list-item', display: 'Problem List Item' },
  vitalSigns: { system: SYSTEMS.observationCategory, code: 'vital-signs', display: 'Vital Signs' },
  laboratory: { system: SYSTEMS.observationCategory, code: 'laboratory', display: 'Laboratory' },
} as const satisfies Record<string, CodeDef>;
