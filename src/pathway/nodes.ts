/**
 * Pathway nodes (PATHWAY.md §4) and safety rules (§5), verbatim.
 */
import type { CodeDef, SpecialtyKind } from './codes.js';
import { PROCEDURE_CODES } from './codes.js';
import type { DrugKey } from './drugs.js';
import type { EvidenceKey } from './evidence.js';
import { SYSTEMS } from './systems.js';
import { withConfiguredThresholds } from './card-words.js';
import { DEFAULT_THRESHOLDS, type Thresholds } from './thresholds.js';

/** Every node id of §4.1-§4.4. */
export type NodeId =
  | 'L-SURGERY'
  | 'L-RT-EXTREMITY'
  | 'L-RT-TRUNK'
  | 'L-RT-RETROPERITONEAL'
  | 'L-NEOADJ-DOXO-IFOS'
  | 'L-NEOADJ-UPS-PEMBRO-RT'
  | 'L-POST-RESECTION'
  | 'L-OTHER-SITE'
  | 'M-LMS-1L-DOXO-TRAB'
  | 'M-LMS-TRAB-MAINT'
  | 'M-1L-DOXO'
  | 'M-2L-GEM-DOCE'
  | 'M-3L-TRABECTEDIN'
  | 'M-3L-PAZOPANIB'
  | 'M-3L-ERIBULIN'
  | 'M-TRIAL'
  | 'D-UNCONFIRMED'
  | 'D-MISSING-HISTOLOGY'
  | 'D-HISTOLOGY-CONFLICT'
  | 'D-MISSING-EXTENT'
  | 'OFF-PATHWAY'
  | 'HISTOLOGY-SPECIFIC-OPTION'
  | 'POSITION-UNKNOWN'
  | 'CURRENT-OFF-PATHWAY'
  | 'D-DATA-UNAVAILABLE'
  | 'D-ANTHRACYCLINE-CONTRAINDICATED'
  | 'X-PEDIATRIC'
  | 'X-UNCOVERED'
  | 'X-SPECIALTY';

/** §4 node kinds (order = the order-time cards OFF-PATHWAY and POSITION-UNKNOWN). */
export type NodeKind = 'regimen' | 'procedure' | 'info' | 'data' | 'order';

/** CDS Hooks card indicator. */
export type NodeIndicator = 'info' | 'warning' | 'critical';

/** One §4 node. `next` is the §4.2 next column; 'line3' means the line-3+ options of the histology not yet received. */
export interface NodeDef {
  readonly id: NodeId;
  readonly title: string;
  readonly kind: NodeKind;
  readonly indicator: NodeIndicator;
  readonly drugs: readonly DrugKey[];
  /** The ServiceRequest of a procedure node: §7.6 code and §4.1 text (by primary site where §4.1 gives one per site). */
  readonly service?: {
    readonly code: CodeDef;
    readonly text?: string;
    readonly textBySite?: Readonly<Partial<Record<'EXTREMITY' | 'TRUNK_OTHER' | 'RETROPERITONEAL', string>>>;
  };
  /** §4.2 short name, used in summaries ("Next step if the disease progresses on <short name>"). */
  readonly shortName?: string;
  readonly evidence: readonly EvidenceKey[];
  /**
   * The evidence note of §4.1/§4.2 verbatim (card form: src/pathway/card-words.ts shownText), "§4.5" where the card
   * text is the §4.5 template (src/pathway/card-texts.ts), or what the card says (§4.3, §4.4).
   */
  readonly note: string;
  /** §4.3/§4.4 "when" column. */
  readonly when?: string;
  readonly next: readonly NodeId[] | 'line3';
}

type NodeInput = Omit<NodeDef, 'id' | 'drugs' | 'evidence' | 'next'> &
  Partial<Pick<NodeDef, 'drugs' | 'evidence' | 'next'>>;

const nodes = (defs: Record<NodeId, NodeInput>): Readonly<Record<NodeId, NodeDef>> => {
  const out = {} as Record<NodeId, NodeDef>;
  for (const [id, def] of Object.entries(defs) as [NodeId, NodeInput][]) {
    out[id] = { id, drugs: [], evidence: [], next: [], ...def };
  }
  return out;
};

// M-TRIAL has no verified SNOMED code: its ServiceRequest uses the pathway code (§7.6).
const TRIAL_CODE: CodeDef = { system: SYSTEMS.pathwayNode, code: 'M-TRIAL', display: 'Clinical trial' };

/** §4 nodes by id. */
export const NODES: Readonly<Record<NodeId, NodeDef>> = nodes({
  'L-SURGERY': {
    title: 'Surgical resection',
    kind: 'procedure',
    indicator: 'info',
    service: {
      code: PROCEDURE_CODES.surgery,
      textBySite: {
        EXTREMITY: 'Wide excision of soft tissue sarcoma with negative margins, after sarcoma multidisciplinary review',
        TRUNK_OTHER:
          'Wide excision of soft tissue sarcoma with negative margins, after sarcoma multidisciplinary review',
        RETROPERITONEAL:
          'En bloc resection of retroperitoneal sarcoma at a sarcoma reference center, after multidisciplinary review',
      },
    },
    evidence: ['ESMO-GUIDELINE', 'NCCN-STS'],
    note: 'Surgery with negative margins is the cornerstone of treatment for localized STS. Plan it at a sarcoma multidisciplinary team before any treatment: the pre-operative radiotherapy and chemotherapy decisions come first. Retroperitoneal sarcoma: en bloc resection at a high-volume sarcoma center.',
  },
  'L-RT-EXTREMITY': {
    title: 'Extremity STS: radiotherapy often added',
    kind: 'procedure',
    indicator: 'info',
    service: {
      code: PROCEDURE_CODES.rtCourse,
      text: 'Radiotherapy for extremity soft tissue sarcoma: pre-operative (50 Gy in 25 fractions) or post-operative (66 Gy in 33 fractions), per sarcoma multidisciplinary team',
    },
    evidence: ['OSULLIVAN-2002', 'YANG-1998'],
    note: "Pre- or post-operative RT improves local control in extremity STS; pre-operative RT doubled wound complications (35 % vs 17 %) in O'Sullivan 2002. In Yang 1998, adjuvant RT reduced local recurrence (low-grade tumors included) without an overall survival difference; omitting RT for small, superficial, low-grade tumors resected with wide margins is a multidisciplinary decision (interpretation). Decide pre- vs post-operative RT before surgery.",
  },
  'L-RT-TRUNK': {
    title: 'Trunk wall / head and neck STS: radiotherapy per multidisciplinary decision',
    kind: 'info',
    indicator: 'info',
    evidence: ['ESMO-GUIDELINE'],
    note: 'Used as for extremity STS (interpretation).',
  },
  'L-RT-RETROPERITONEAL': {
    title: 'Retroperitoneal STS: radiotherapy used selectively',
    kind: 'info',
    indicator: 'info',
    evidence: ['STRASS-2020'],
    note: 'Pre-operative RT did not improve abdominal recurrence-free survival in STRASS: it is not routine for retroperitoneal sarcoma; any use is a sarcoma multidisciplinary decision.',
  },
  'L-NEOADJ-DOXO-IFOS': {
    title: 'Consider neoadjuvant doxorubicin + ifosfamide',
    kind: 'regimen',
    indicator: 'info',
    drugs: ['doxorubicin', 'ifosfamide', 'mesna'],
    evidence: ['ISG-STS-1001', 'ESMO-GUIDELINE'],
    note: 'Routine perioperative chemotherapy is not clearly beneficial; consider it to shrink the tumor and facilitate surgery in high-risk (high-grade, deep, large) tumors. The trial behind it (ISG-STS 1001) used epirubicin + ifosfamide. Selective, center-dependent. Before starting: LVEF, renal function, fertility counselling for patients of reproductive age; G-CSF support; mesna with ifosfamide. [Age above <comboMaxTrialAge>: the doxorubicin + ifosfamide trial in advanced disease (EORTC 62012) enrolled ages 18-60.]',
  },
  'L-NEOADJ-UPS-PEMBRO-RT': {
    title: 'UPS: consider neoadjuvant pembrolizumab + radiotherapy',
    kind: 'regimen',
    indicator: 'info',
    drugs: ['pembrolizumab'],
    service: {
      code: PROCEDURE_CODES.rtCourse,
      text: 'Pre-operative radiotherapy 50 Gy in 25 fractions with pembrolizumab (SU2C-SARC032)',
    },
    evidence: ['SU2C-SARC032'],
    note: 'In SU2C-SARC032 (grade 2-3 stage III UPS or dedifferentiated/pleomorphic liposarcoma of the extremity or limb girdle), adding pembrolizumab to pre-operative RT and surgery improved 2-year disease-free survival (67 % vs 52 %); overall survival did not differ; grade >= 3 adverse events 56 % vs 31 %. Evolving evidence, center-dependent.',
  },
  'L-POST-RESECTION': {
    title: 'Resected: adjuvant therapy and follow-up per multidisciplinary team',
    kind: 'info',
    indicator: 'info',
    evidence: ['ESMO-GUIDELINE'],
    note: '§4.5',
  },
  'L-OTHER-SITE': {
    title: 'Primary site outside the soft-tissue codes: local therapy per the site-specific guideline',
    kind: 'info',
    indicator: 'info',
    evidence: ['ESMO-GUIDELINE', 'LMS-04'],
    note: '§4.5',
  },
  'M-LMS-1L-DOXO-TRAB': {
    shortName: 'doxorubicin + trabectedin',
    title: 'LMS first line: consider doxorubicin + trabectedin, followed by maintenance trabectedin',
    kind: 'regimen',
    indicator: 'info',
    drugs: ['doxorubicin', 'trabectedin'],
    evidence: ['LMS-04', 'LMS-04-OS', 'NCI-2024-LMS', 'LMS-02'],
    note: "Improved progression-free (12.2 vs 6.2 months) and overall survival (33 vs 24 months) over doxorubicin alone in LMS-04 (uterine and soft-tissue LMS, ECOG 0-1), with more, mostly hematologic, toxicity. Outside the US trabectedin label (which covers use after an anthracycline). Needs a central venous line, dexamethasone premedication, G-CSF support per protocol, and liver tests, CK and blood counts before each cycle; LVEF before starting. The doses (doxorubicin 60 mg/m², trabectedin 1.1 mg/m² over 3 hours) are lower than the single-agent doses: see each drug's order text. After up to 6 cycles, trabectedin maintenance if no progression.",
    next: ['M-2L-GEM-DOCE'],
  },
  'M-LMS-TRAB-MAINT': {
    shortName: 'trabectedin maintenance',
    title: 'LMS: maintenance trabectedin, up to 1 year',
    kind: 'regimen',
    indicator: 'info',
    drugs: ['trabectedin'],
    evidence: ['LMS-04', 'LMS-04-OS'],
    note: 'Maintenance after doxorubicin + trabectedin, if no progression, as in LMS-04. Liver tests, CK and blood counts before each cycle; LVEF periodically (trabectedin label: cardiomyopathy warning). LVEF every 2-3 months (to verify).',
    next: ['M-2L-GEM-DOCE'],
  },
  'M-1L-DOXO': {
    shortName: 'doxorubicin',
    title: 'First line: doxorubicin',
    kind: 'regimen',
    indicator: 'info',
    drugs: ['doxorubicin'],
    evidence: ['EORTC-62012', 'GEDDIS'],
    note: 'Single-agent doxorubicin remains the first-line standard; adding ifosfamide improved response and progression-free survival but not overall survival (EORTC 62012); gemcitabine + docetaxel was not better (GeDDiS). LVEF before the first dose and during treatment; vesicant (extravasation causes tissue necrosis). Doxorubicin + ifosfamide (EORTC 62012: ages 18-60, performance status 0-1, with mesna and G-CSF) when tumor shrinkage is the goal.',
    next: ['M-2L-GEM-DOCE'],
  },
  'M-2L-GEM-DOCE': {
    shortName: 'gemcitabine + docetaxel',
    title: 'Second line: gemcitabine + docetaxel',
    kind: 'regimen',
    indicator: 'info',
    drugs: ['gemcitabine', 'docetaxel'],
    evidence: ['MAKI-2007', 'GEDDIS', 'HENSLEY-GOG-2008', 'DOCETAXEL-LABEL'],
    note: 'Gemcitabine + docetaxel improved progression-free and overall survival over gemcitabine alone in a randomized phase II trial (SARC002). G-CSF support; premedication per the docetaxel label; lower doses after pelvic radiotherapy; docetaxel label (boxed warning): avoid when bilirubin is above the upper limit of normal; fluid retention.',
    next: 'line3',
  },
  'M-3L-TRABECTEDIN': {
    shortName: 'trabectedin',
    title: 'Later line: trabectedin (LMS, LPS)',
    kind: 'regimen',
    indicator: 'info',
    drugs: ['trabectedin'],
    evidence: ['DEMETRI-2016', 'TRABECTEDIN-LABEL'],
    note: 'Improved progression-free survival over dacarbazine (4.2 vs 1.5 months) in LPS and LMS after an anthracycline; label indication. Central venous line; dexamethasone premedication; neutrophil count before each dose, liver tests and CK (label: neutropenic sepsis, rhabdomyolysis, hepatotoxicity); LVEF before starting and periodically (label: cardiomyopathy). LVEF every 2-3 months (to verify).',
    next: 'line3',
  },
  'M-3L-PAZOPANIB': {
    shortName: 'pazopanib',
    title: 'Later line: pazopanib (non-adipocytic STS)',
    kind: 'regimen',
    indicator: 'info',
    drugs: ['pazopanib'],
    evidence: ['PALETTE', 'PAZOPANIB-LABEL'],
    note: 'Improved progression-free survival (4.6 vs 1.6 months), not overall survival, over placebo in non-adipocytic STS after chemotherapy (PALETTE); adipocytic sarcoma was excluded. Liver tests before and during treatment (boxed warning: severe and fatal hepatotoxicity). Blood pressure, ECG (QT) and LVEF in patients with prior anthracycline (to verify).',
    next: 'line3',
  },
  'M-3L-ERIBULIN': {
    shortName: 'eribulin',
    title: 'Later line: eribulin (LPS)',
    kind: 'regimen',
    indicator: 'info',
    drugs: ['eribulin'],
    evidence: ['SCHOFFSKI-2016', 'NCI-2016-ERIBULIN', 'ERIBULIN-LABEL'],
    note: 'Improved overall survival over dacarbazine (13.5 vs 11.5 months); the benefit was confined to liposarcoma; FDA approval (2016) is for liposarcoma after an anthracycline. Blood counts before each dose. Dose reduction in hepatic and renal impairment (to verify).',
    next: 'line3',
  },
  'M-TRIAL': {
    title: 'Clinical trial',
    kind: 'procedure',
    indicator: 'info',
    service: { code: TRIAL_CODE, text: 'Referral for clinical trial evaluation' },
    evidence: ['CT-GOV-STS'],
    note: '§4.5',
  },
  'D-UNCONFIRMED': {
    title: 'STS diagnosis not confirmed',
    kind: 'data',
    indicator: 'info',
    when: '§3 step 3',
    note: '§4.5',
  },
  'D-MISSING-HISTOLOGY': {
    title: 'Histology needed to place the patient on the pathway',
    kind: 'data',
    indicator: 'warning',
    when: '§3 step 4',
    note: '§4.5',
  },
  'D-HISTOLOGY-CONFLICT': {
    title: 'Conflicting sarcoma histologies: pathway position cannot be determined',
    kind: 'data',
    indicator: 'warning',
    when: '§3 step 4, a conflict (F1, F2)',
    note: '§4.5',
  },
  'D-MISSING-EXTENT': {
    title: 'Extent of disease needed (localized or metastatic)',
    kind: 'data',
    indicator: 'warning',
    when: '§3 step 5',
    note: '§4.5',
  },
  'OFF-PATHWAY': {
    title: 'Order is off the STS pathway',
    kind: 'order',
    indicator: 'warning',
    when: '§5 step 7',
    note: "the patient's position and the on-pathway options",
  },
  'HISTOLOGY-SPECIFIC-OPTION': {
    title: 'Histology-specific option outside this pathway',
    kind: 'order',
    indicator: 'info',
    when: '§5 step 7 exceptions',
    note: "the drug, the histology, the evidence sentence of §5 step 7, and the patient's pathway position; no suggestion, no override reasons",
  },
  'POSITION-UNKNOWN': {
    title: 'No on-pathway regimen to compare',
    kind: 'order',
    indicator: 'info',
    when: '§5 step 2',
    note: 'Pathway position: <node title>; no on-pathway regimen to compare',
  },
  'CURRENT-OFF-PATHWAY': {
    title: 'Current regimen is not a node of this line',
    kind: 'info',
    indicator: 'info',
    when: 'the current regimen matches no node (§3)',
    note: '§4.5',
  },
  'D-DATA-UNAVAILABLE': {
    title: 'Patient data could not be read',
    kind: 'data',
    indicator: 'warning',
    when: 'a resource type needed could not be read (§2)',
    note: '§4.5',
  },
  'D-ANTHRACYCLINE-CONTRAINDICATED': {
    title: 'Doxorubicin not recommended',
    kind: 'info',
    indicator: 'warning',
    when: 'a doxorubicin node that is not current would be output but `S-DOXO-LVEF` or `S-DOXO-CUMULATIVE` holds',
    note: '§4.5',
  },
  'X-PEDIATRIC': {
    title: 'Pediatric patient: outside this adult pathway',
    kind: 'info',
    indicator: 'warning',
    when: 'age under 18',
    evidence: ['NCI-STS-RESEARCH'],
    note: '§4.5',
  },
  'X-UNCOVERED': {
    title: 'Histology not covered by this pathway',
    kind: 'info',
    indicator: 'warning',
    when: 'histology class `UNCOVERED`',
    evidence: ['NCI-STS-RESEARCH', 'CT-GOV-STS'],
    note: '§4.5',
  },
  'X-SPECIALTY': {
    title: 'Histology with its own pathway',
    kind: 'info',
    indicator: 'warning',
    when: 'histology class `SPECIALTY`',
    note: "SPECIALTY_OPENING and the row of the patient's histology (SPECIALTY_STATEMENTS)",
  },
});

/** Every node id, in §4 order. */
export const NODE_IDS = Object.keys(NODES) as readonly NodeId[];

/** The §4.4 X-SPECIALTY statements (verbatim; a "(to verify)" sentence is not shown) and links of one histology row. */
export interface SpecialtyStatement {
  readonly histology: string;
  readonly statements: readonly string[];
  readonly evidence: readonly EvidenceKey[];
}

/** §4.4: the opening sentence of every X-SPECIALTY card, and the one used when no row can be chosen. */
export const SPECIALTY_OPENING =
  'The general soft tissue sarcoma pathway does not apply to this histology; no regimen is suggested.';
export const SPECIALTY_UNKNOWN_ROW = 'Specialty sarcoma histology: refer to the sarcoma multidisciplinary team';

// Rhabdomyosarcoma and Ewing sarcoma share one row, stated once.
const RMS_EWING: SpecialtyStatement = {
  histology: 'rhabdomyosarcoma (NOS, embryonal, alveolar), Ewing sarcoma (one row, stated once)',
  statements: [
    'Rhabdomyosarcoma (embryonal, alveolar, NOS) or Ewing sarcoma: treated with dedicated multimodality protocols, in adults too; refer to a center experienced with them.',
  ],
  evidence: ['NCI-STS-RESEARCH'],
};

/** §4.4 X-SPECIALTY per-histology table. */
export const SPECIALTY_STATEMENTS: Readonly<Record<SpecialtyKind, SpecialtyStatement>> = {
  GIST: {
    histology: 'GIST',
    statements: [
      'Gastrointestinal stromal tumor: treated with KIT/PDGFRA inhibitors, not soft tissue sarcoma chemotherapy (imatinib; avapritinib for GIST with a PDGFRA exon 18 alteration); in advanced GIST, stopping imatinib led to faster progression (NCI 2024).',
    ],
    evidence: ['NCI-2024-GIST-IMATINIB', 'NCI-2020-AVAPRITINIB'],
  },
  desmoid: {
    histology: 'desmoid tumor',
    statements: [
      'Desmoid tumor (aggressive fibromatosis): its own pathway, not sarcoma chemotherapy (active surveillance, nirogacestat, sorafenib).',
    ],
    evidence: ['DEFI-2023', 'NCI-2023-NIROGACESTAT', 'NCI-2018-SORAFENIB'],
  },
  Kaposi: {
    histology: 'Kaposi sarcoma',
    statements: [
      'Kaposi sarcoma: its own pathway, not soft tissue sarcoma chemotherapy; for advanced AIDS-related Kaposi sarcoma, paclitaxel improved outcomes in a trial in sub-Saharan Africa (NCI 2020).',
      'For HIV-associated disease, antiretroviral therapy is part of treatment; liposomal doxorubicin is a systemic option (to verify).',
    ],
    evidence: ['NCI-2020-KAPOSI'],
  },
  ASPS: {
    histology: 'alveolar soft part sarcoma',
    statements: [
      'Alveolar soft part sarcoma: atezolizumab is FDA-approved for unresectable or metastatic disease (adults and children 2 years and older).',
      'It responds poorly to standard sarcoma chemotherapy (to verify).',
    ],
    evidence: ['CHEN-2023', 'NCI-2022-ASPS', 'NCI-2023-ASPS'],
  },
  rhabdomyosarcoma: RMS_EWING,
  Ewing: RMS_EWING,
};

/** A node's title as cards show it: the §4 title with the §9 values it states as configured (src/pathway/card-words.ts). */
export const nodeTitle = (id: NodeId, t: Thresholds = DEFAULT_THRESHOLDS): string =>
  withConfiguredThresholds(NODES[id].title, t);
