/**
 * The extra detail lines of a card that the decision names by code (PATHWAY.md §3, §5, F5-F7): the CQL libraries put
 * a note's code in a node's or order card's `notes` (cql/StsCodes `Note ...` defines, written by `npm run build:cql`
 * from NOTE_CODES), and src/cards/decision-words.ts writes the words, filling `<...>` from the facts and §9.
 */
import { codeListOf, isCodeOf } from './code-table.js';
import { SAFETY_TEXTS } from './rules.js';
import {
  HISTORY_INCOMPLETE_NEOADJUVANT_NOTE,
  HISTORY_INCOMPLETE_NOTE,
  HISTORY_UNAVAILABLE_NOTE,
} from './treatment-words.js';

/** The words of each note. Placeholders: `<ecog>`, `<reason>`, `<value>`, `<N>`, `<warn>`, `<title>`. */
export const NOTE_WORDS = {
  /** §3 step 6: local therapy with the Procedures unreadable. */
  proceduresUnreadable: 'local therapy unknown: procedures could not be read',
  /** §3 step 6: L-NEOADJ-UPS-PEMBRO-RT shown without its suggestion. */
  neoadjuvantEvidence: 'the evidence is for grade 2-3 stage III extremity/limb-girdle tumors',
  /** §3 step 6: L-NEOADJ-DOXO-IFOS without a grade. */
  gradeNotFound: 'grade not found: the evidence is for high-grade, deep, large tumors',
  /** §3 step 6: L-RT-EXTREMITY beside the pembrolizumab + radiotherapy option. */
  radiotherapyInPembrolizumabOption: 'radiotherapy is part of the neoadjuvant pembrolizumab + radiotherapy option',
  /** §3 step 6: L-SURGERY without a site. */
  siteNotFound: 'primary site not found (looked for: the ICD-10-CM code of the STS Condition)',
  /** F5: the first metastatic regimen card names the setting of a prior anthracycline. */
  anthracyclineSettingUnknown: 'setting of prior anthracycline unknown',
  anthracyclineForLocalized:
    "an anthracycline was given for localized disease; re-challenge with doxorubicin is a clinician's decision bounded by the cumulative dose",
  /** F5: line 3+ reached without any anthracycline. */
  anthracyclineFreeSequence: 'no anthracycline was given (an anthracycline-free sequence)',
  /** §4.3 D-DATA-UNAVAILABLE. */
  conditionsUnreadable: 'Conditions could not be read',
  /** §4.3 D-MISSING-EXTENT with the Observations unreadable. */
  observationsUnreadableExtent: 'Observations could not be read: extent from Conditions alone',
  /** §2: the medication history unreadable or read only in part. */
  historyUnavailable: HISTORY_UNAVAILABLE_NOTE,
  historyIncomplete: HISTORY_INCOMPLETE_NOTE,
  historyIncompleteNeoadjuvant: HISTORY_INCOMPLETE_NEOADJUVANT_NOTE,
  /** §5 S-COMBO-ECOG and S-ECOG-POOR patient-view effects. */
  ecogCombo: 'performance status ECOG <ecog>: the trials of this combination enrolled ECOG 0-1',
  ecogPoor: 'performance status 3-4: benefit of systemic therapy uncertain; consider best supportive care',
  /** F7 on an anthracycline node's card (§5 last column). */
  lvefUnusable: SAFETY_TEXTS.lvefUnusable,
  lvefNotInterpretable: SAFETY_TEXTS.lvefNotInterpretable,
  cumulativeIncomplete:
    'cumulative anthracycline dose incomplete: verify before ordering (at least <N> mg/m2 doxorubicin)',
  cumulativeWarn: 'cumulative doxorubicin <N> mg/m2: at or above the warning threshold of <warn> mg/m2',
  /** §5 order time. */
  adjuvantPembrolizumab: 'adjuvant pembrolizumab after surgery (SU2C-SARC032)',
  doxorubicinIfosfamideResponse: 'doxorubicin + ifosfamide: acceptable when response is the goal (EORTC 62012)',
  liposomalDoxorubicin: 'liposomal doxorubicin is not a pathway regimen',
  mesnaUnchecked: SAFETY_TEXTS.mesnaUnchecked,
  pediatricOrder: SAFETY_TEXTS.pediatricOrder,
  laterLineEarly: SAFETY_TEXTS.laterLineEarly,
  /** A drafted drug that is one component of a multi-drug node whose other drugs are not drafted. */
  partOf: 'part of <title>',
} as const;

/** The code of a note, as the libraries emit it. */
export type NoteCode = keyof typeof NOTE_WORDS;

/** Whether a string of a decision's notes is a note code. */
export const isNoteCode = isCodeOf(NOTE_WORDS);

/** Every note code. */
export const NOTE_CODES: readonly NoteCode[] = codeListOf(NOTE_WORDS);
