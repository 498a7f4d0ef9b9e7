/**
 * PATHWAY.md §4.5: the words of the cards whose §4.3/§4.4 entry points there, verbatim (a test compares them with
 * docs/PATHWAY.md). `<...>` placeholders are filled from the facts and §9 (src/pathway/card-words.ts fillTemplate),
 * a `[...]` part appears only when its condition holds.
 */
import {
  METASTASIS_DISPLAY_PREFIX,
  METASTASIS_ICD10_PREFIXES,
  METASTASIS_SNOMED,
  OBSERVATION_CODES,
  PROCEDURE_CODES,
  SURGERY_DISPLAY_WORDS,
  type CodeDef,
} from './codes.js';
import { codeListOf, isCodeOf } from './code-table.js';
import type { NodeId } from './nodes.js';
import { SYSTEMS } from './systems.js';

/** §4.5 templates by node id (the text after the title line, before the facts). */
export const CARD_TEXTS: Readonly<Partial<Record<NodeId, string>>> = {
  'D-UNCONFIRMED':
    'The sarcoma diagnosis is recorded as <provisional / differential / unconfirmed>; no treatment is proposed until it is confirmed. Suspected soft tissue sarcoma: refer to a sarcoma reference center before biopsy or surgery; diagnosis by image-guided core needle biopsy planned with the surgeon who will resect, and review by a sarcoma pathologist (molecular testing where relevant). Avoid unplanned excision.',
  'D-MISSING-HISTOLOGY':
    'The sarcoma subtype is not recorded in a form the pathway can read, so no treatment can be placed: chemotherapy choices depend on it. If the pathology report gives the subtype, record it on the diagnosis (ICD-O-3 morphology, e.g. 8890/3 leiomyosarcoma). If no diagnostic biopsy has been done: image-guided core needle biopsy, planned with the sarcoma surgeon, and review by a sarcoma pathologist.',
  'D-HISTOLOGY-CONFLICT':
    'Two different sarcoma subtypes are recorded: <A> (<code>, <Condition>, <date>) and <B> (<code>, <Condition>, <date>). Treatment choices differ between them (e.g. pazopanib is not used in liposarcoma). Correct the record after pathology review; if these are two separate primary tumors, link each metastasis to its primary.',
  'D-MISSING-EXTENT':
    'Whether the disease is localized or metastatic is not recorded, and the two are treated differently. If staging is complete, record the M category (cM0 / cM1) or the stage group. If not: a staging CT of the chest (the most common site of metastasis) is part of the work-up. [Myxoid or round cell liposarcoma (8852/3, 8853/3): it often spreads outside the lungs (retroperitoneum, bone), so staging beyond the chest is usually needed.] [Metastases or staging that belong to another cancer are listed below and were not used.]',
  'CURRENT-OFF-PATHWAY':
    "Current treatment: <drugs> since <start> (last given <date>). It is not one of this pathway's options at line <n>, which are: <titles>. No order is suggested while it continues (it may be a trial, a histology-specific choice or a multidisciplinary decision). If it is stopped for progression or toxicity, the pathway's next options apply. [Epirubicin is an anthracycline: it counts for the line and is listed with the cumulative anthracycline dose.]",
  'D-DATA-UNAVAILABLE':
    'The <resource types> could not be read (<reason>), so the pathway cannot make a recommendation. This is not a finding that the patient has no sarcoma or no prior treatment: review the chart directly, or reopen it later.',
  'L-POST-RESECTION':
    'Resected on <date> (<procedure>); radiotherapy <given on <date> / not recorded>. Review at the sarcoma multidisciplinary team: margins and grade decide post-operative radiotherapy if none was given before surgery, and re-excision after an unplanned or margin-positive excision. Follow-up with clinical examination and chest imaging, on the schedule of the sarcoma guideline. [For UPS after pre-operative pembrolizumab: adjuvant pembrolizumab, up to 14 cycles (SU2C-SARC032), is on pathway.]',
  'L-OTHER-SITE':
    "Primary site <ICD-10-CM display> (<code>): local treatment follows the guideline of that organ (e.g. gynecologic oncology for uterine leiomyosarcoma); this pathway makes no surgery, radiotherapy or neoadjuvant recommendation. If the disease becomes metastatic or unresectable, the pathway's systemic options apply (LMS-04 included uterine leiomyosarcoma).",
  'M-TRIAL':
    'Clinical trials are an option at every line and the preferred option when the standard options are exhausted. Search: ClinicalTrials.gov, "<trial term>". [Line 3 and later: molecular profiling of the tumor may open targeted-therapy trials (interpretation).]',
  'X-PEDIATRIC':
    'Patient aged <age>: children and adolescents with soft tissue sarcoma are treated on pediatric cooperative-group protocols; refer to a pediatric oncology center. No adult regimen or threshold is applied.',
  'X-UNCOVERED':
    '<display> (<code>) is not covered by this pathway; no regimen is suggested. Refer to the sarcoma multidisciplinary team: several uncommon sarcomas have histology-specific or targeted treatments, and the surgical principles of localized soft tissue sarcoma usually still apply.',
};

/** §4.5 D-ANTHRACYCLINE-CONTRAINDICATED: one sentence group per rule that holds, the modifiers, the metastatic pointer. */
export const ANTHRACYCLINE_CONTRAINDICATED_TEXT = {
  lvef: 'Latest LVEF <value> % (<date>, <resource>) is below <lvefMinPercent> %, the threshold used by doxorubicin trials; the label requires LVEF assessment before and during treatment. Do not start or continue doxorubicin (any formulation, alone or combined) without cardio-oncology review.',
  cumulative:
    'Cumulative doxorubicin <N> mg/m² has reached <cumulativeDoxoCriticalMgM2> mg/m² (label: cardiomyopathy in 1-20 % at 300-500 mg/m²). No further doxorubicin without cardio-oncology review.',
  modifiers:
    'Prior mediastinal radiotherapy and other cardiotoxic drugs (e.g. cyclophosphamide, trastuzumab) add to the risk.',
  metastatic:
    "The anthracycline-free option is shown on its own card: 'Anthracycline-free option: gemcitabine + docetaxel'.",
} as const;

/** §7.2 trial term (ClinicalTrials.gov, M-TRIAL) by ICD-O-3 code; a class's codes share its term. */
export const TRIAL_TERMS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(['8890/3', '8891/3', '8896/3'].map((c) => [c, 'leiomyosarcoma'])),
  ...Object.fromEntries(
    ['8850/3', '8851/3', '8852/3', '8853/3', '8854/3', '8855/3', '8858/3'].map((c) => [c, 'liposarcoma']),
  ),
  '8830/3': 'undifferentiated pleomorphic sarcoma',
  '8802/3': 'undifferentiated pleomorphic sarcoma',
  '8800/3': 'soft tissue sarcoma',
  '8805/3': 'soft tissue sarcoma',
  '8810/3': 'fibrosarcoma',
  '8811/3': 'myxofibrosarcoma',
  '8901/3': 'rhabdomyosarcoma',
  ...Object.fromEntries(['9040/3', '9041/3', '9042/3', '9043/3'].map((c) => [c, 'synovial sarcoma'])),
  '9120/3': 'angiosarcoma',
  '9540/3': 'malignant peripheral nerve sheath tumor',
};

/** The trial term when no histology code gives one (§7.2: 8800/3 "soft tissue sarcoma"). */
export const DEFAULT_TRIAL_TERM = 'soft tissue sarcoma';

/** §4.4 X-UNCOVERED: the trial term is the histology's display without ", NOS", else this. */
export const UNCOVERED_TRIAL_TERM = 'sarcoma';

const codesOf = (defs: readonly CodeDef[]): string => defs.map((d) => d.code).join(', ');

/** "NCIt C18000, LOINC 33732-9": codes with the name of their system. */
const namedCodes = (defs: readonly CodeDef[]): string =>
  defs.map((d) => `${SYSTEM_NAMES[d.system] ?? d.system} ${d.code}`).join(', ');

const SYSTEM_NAMES: Readonly<Record<string, string>> = {
  [SYSTEMS.loinc]: 'LOINC',
  [SYSTEMS.snomed]: 'SNOMED',
  [SYSTEMS.ncit]: 'NCIt',
};

/** "C77-C79": the first and last of a list of code prefixes. */
const codeRange = (defs: readonly CodeDef[]): string => `${defs[0]?.code ?? ''}-${defs.at(-1)?.code ?? ''}`;

/**
 * §1 "not found (looked for: ...)": what the pathway looks for, per fact of §2 (F0, F2-F4, F8, F9), with the codes of
 * src/pathway/codes.ts.
 */
export const LOOKED_FOR = {
  histology: `the mCODE histology-morphology-behavior extension on the STS Condition, an ICD-O-3 code in Condition.code, an Observation LOINC ${codesOf(OBSERVATION_CODES.histology)} with an ICD-O-3 value`,
  site: 'an ICD-10-CM code of §7.5 on the STS Condition',
  extent: `metastasis Conditions (ICD-10-CM ${codeRange(METASTASIS_ICD10_PREFIXES)}, SNOMED ${codesOf(METASTASIS_SNOMED)} or "${METASTASIS_DISPLAY_PREFIX}", mCODE secondary cancer profile), M category and stage group Observations, stage.summary of the STS Condition`,
  age: 'Patient.birthDate',
  grade: `a histologic grade Observation (${namedCodes(OBSERVATION_CODES.grade)})`,
  surgery: `a completed surgical Procedure (SNOMED ${PROCEDURE_CODES.surgery.code}, mCODE cancer-related surgical procedure, or ${SURGERY_DISPLAY_WORDS.map((w) => `"${w}"`).join('/')}) on or after the STS diagnosis`,
  radiotherapy: `a completed radiotherapy Procedure (SNOMED ${PROCEDURE_CODES.rtCourse.code} or ${PROCEDURE_CODES.rtCategory.code}, or category ${PROCEDURE_CODES.rtCategory.code})`,
} as const;

/** F4 sites in words (§1 "Values are written in words"). */
export const SITE_WORDS: Readonly<Record<string, string>> = {
  EXTREMITY: 'extremity',
  TRUNK_OTHER: 'trunk and other',
  RETROPERITONEAL: 'retroperitoneum',
  NON_SOFT_TISSUE: 'organ site',
  UNKNOWN: 'unknown',
};

/** F1: the site fact of a desmoid coded D48.1 (uncertain behavior), which has no §7.5 site. */
export const uncertainBehaviorSite = (code: string): string => `soft tissue, uncertain behavior (${code})`;

/**
 * §2: why evidence was ignored as another primary cancer's, by code (StsDiagnosis `IgnoredReason`, cql/StsCodes
 * "Ignored ..."). `<keys>`: the Conditions the evidence references, or (noReference) the other primary cancers.
 */
export const IGNORED_EVIDENCE_WORDS = {
  secondPrimary: 'references <keys>, a separate primary tumor',
  notSts: 'references <keys>, not an STS Condition',
  noReference: 'no reference while another primary cancer is recorded (<keys>)',
} as const;

/** The code of why evidence was ignored, as the libraries emit it. */
export type IgnoredEvidenceCode = keyof typeof IGNORED_EVIDENCE_WORDS;

/** Whether a string is an ignored-evidence code. */
export const isIgnoredEvidenceCode = isCodeOf(IGNORED_EVIDENCE_WORDS);

/** Every ignored-evidence code. */
export const IGNORED_EVIDENCE_CODES: readonly IgnoredEvidenceCode[] = codeListOf(IGNORED_EVIDENCE_WORDS);

/** Why evidence was ignored, in words (`keys` joined by ", "). */
export const ignoredEvidenceWords = (code: IgnoredEvidenceCode, keys: readonly string[]): string =>
  IGNORED_EVIDENCE_WORDS[code].replace('<keys>', keys.join(', '));

/**
 * §2: what kind of evidence was ignored, by the kind StsDiagnosis "Ignored Evidence" names it with (its extent
 * evidence, grade and disease status readings).
 */
export const EVIDENCE_KIND_WORDS: Readonly<Record<string, string>> = {
  'metastasis-condition': 'metastasis Condition',
  'm-category': 'M category',
  'stage-group': 'stage group',
  'stage-summary': 'stage summary',
  grade: 'grade',
  'disease-status': 'disease status',
};

/** F1: a SPECIALTY second primary in words: its own pathway, its §4.4 drugs not counted for the other tumor. */
export const secondPrimaryWords = (
  display: string | undefined,
  code: string | undefined,
  drugs: readonly string[],
): string =>
  `${display ?? 'specialty histology'}${code !== undefined ? ` (${code})` : ''}: a separate primary tumor with its own pathway` +
  (drugs.length > 0 ? `; its drugs (${drugs.join(', ')}) are not counted in the current regimen or the line` : '');

/** §3 step 7: the anthracycline-free option shown beside D-ANTHRACYCLINE-CONTRAINDICATED (metastatic, doxorubicin not current). */
export const ANTHRACYCLINE_FREE_OPTION = {
  summary: 'Anthracycline-free option: gemcitabine + docetaxel',
  opening:
    'Doxorubicin is not recommended for this patient (see that card). Anthracycline-free option: in GeDDiS, gemcitabine + docetaxel was not better than doxorubicin as first-line treatment and was more toxic; confirm with the treating team.',
} as const;
