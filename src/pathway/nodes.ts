/**
 * Pathway nodes (PATHWAY.md §4) and safety rules (§5), verbatim.
 */
import type { CodeDef, SpecialtyKind } from './codes.js';
import { PROCEDURE_CODES } from './codes.js';
import type { DrugKey } from './drugs.js';
import type { EvidenceKey } from './evidence.js';
import { SYSTEMS } from './systems.js';

/** Every node id of §4.1-§4.4. */
export type NodeId =
  | 'L-SURGERY' | 'L-RT-EXTREMITY' | 'L-RT-TRUNK' | 'L-RT-RETROPERITONEAL' | 'L-NEOADJ-DOXO-IFOS' | 'L-NEOADJ-UPS-PEMBRO-RT'
  | 'L-POST-RESECTION' | 'L-OTHER-SITE'
  | 'M-LMS-1L-DOXO-TRAB' | 'M-LMS-TRAB-MAINT' | 'M-1L-DOXO' | 'M-2L-GEM-DOCE' | 'M-3L-TRABECTEDIN' | 'M-3L-PAZOPANIB'
  | 'M-3L-ERIBULIN' | 'M-TRIAL'
  | 'D-UNCONFIRMED' | 'D-MISSING-HISTOLOGY' | 'D-MISSING-EXTENT' | 'OFF-PATHWAY' | 'HISTOLOGY-SPECIFIC-OPTION'
  | 'POSITION-UNKNOWN' | 'CURRENT-OFF-PATHWAY'
  | 'D-DATA-UNAVAILABLE' | 'D-ANTHRACYCLINE-CONTRAINDICATED'
  | 'X-PEDIATRIC' | 'X-UNCOVERED' | 'X-SPECIALTY';

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
  readonly service?: { readonly code: CodeDef; readonly text?: string };
  readonly evidence: readonly EvidenceKey[];
  /** The evidence note (§4.1, §4.2) or what the card says (§4.3, §4.4). */
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
    title: 'Surgical resection', kind: 'procedure', indicator: 'info',
    service: { code: PROCEDURE_CODES.surgery, text: 'Wide local excision of soft tissue sarcoma' },
    evidence: ['ESMO-GUIDELINE', 'NCCN-STS'],
    note: 'Surgery is the cornerstone of treatment for localized STS.',
  },
  'L-RT-EXTREMITY': {
    title: 'Extremity STS: radiotherapy often added', kind: 'procedure', indicator: 'info',
    service: { code: PROCEDURE_CODES.rtCourse },
    evidence: ['OSULLIVAN-2002', 'YANG-1998'],
    note: "Pre- or post-operative RT improves local control in extremity STS; pre-operative RT doubled wound complications (35 % vs 17 %) in O'Sullivan 2002.",
  },
  'L-RT-TRUNK': {
    title: 'Trunk wall / head and neck STS: radiotherapy per multidisciplinary decision', kind: 'info', indicator: 'info',
    evidence: ['ESMO-GUIDELINE'],
    note: 'Used as for extremity STS (interpretation).',
  },
  'L-RT-RETROPERITONEAL': {
    title: 'Retroperitoneal STS: radiotherapy used selectively', kind: 'info', indicator: 'info',
    evidence: ['STRASS-2020'],
    note: 'Pre-operative RT did not improve abdominal recurrence-free survival in STRASS.',
  },
  'L-NEOADJ-DOXO-IFOS': {
    title: 'Consider neoadjuvant doxorubicin + ifosfamide', kind: 'regimen', indicator: 'info',
    drugs: ['doxorubicin', 'ifosfamide', 'mesna'],
    evidence: ['ISG-STS-1001', 'ESMO-GUIDELINE'],
    note: 'Routine perioperative chemotherapy is not clearly beneficial; consider it to shrink the tumor and facilitate surgery in high-risk (high-grade, deep, large) tumors. The trial behind it (ISG-STS 1001) used epirubicin + ifosfamide. Selective, center-dependent.',
  },
  'L-NEOADJ-UPS-PEMBRO-RT': {
    title: 'UPS: consider neoadjuvant pembrolizumab + radiotherapy', kind: 'regimen', indicator: 'info',
    drugs: ['pembrolizumab'],
    service: { code: PROCEDURE_CODES.rtCourse },
    evidence: ['SU2C-SARC032'],
    note: 'In SU2C-SARC032 (grade 2-3 stage III UPS or dedifferentiated/pleomorphic liposarcoma of the extremity or limb girdle), adding pembrolizumab to pre-operative RT and surgery improved 2-year disease-free survival (67 % vs 52 %); overall survival did not differ; grade >= 3 adverse events 56 % vs 31 %. Evolving evidence, center-dependent.',
  },
  'L-POST-RESECTION': {
    title: 'Resected: adjuvant therapy and follow-up per multidisciplinary team', kind: 'info', indicator: 'info',
    evidence: ['ESMO-GUIDELINE'],
    note: 'Names the surgery (date, resource) and whether RT was given. For UPS with pembrolizumab started before surgery, adjuvant pembrolizumab (up to 14 cycles, SU2C-SARC032) is on pathway under `L-NEOADJ-UPS-PEMBRO-RT`.',
  },
  'L-OTHER-SITE': {
    title: 'Primary site outside the soft-tissue codes: local therapy per the site-specific guideline', kind: 'info', indicator: 'info',
    evidence: ['ESMO-GUIDELINE'],
    note: 'Names the site code (e.g. uterine leiomyosarcoma, C55); no surgery, RT or neoadjuvant recommendation from this pathway.',
  },
  'M-LMS-1L-DOXO-TRAB': {
    title: 'LMS first line: consider doxorubicin + trabectedin, followed by maintenance trabectedin', kind: 'regimen', indicator: 'info',
    drugs: ['doxorubicin', 'trabectedin'],
    evidence: ['LMS-04', 'LMS-04-OS', 'NCI-2024-LMS'],
    note: 'Improved progression-free (12.2 vs 6.2 months) and overall survival (33 vs 24 months) over doxorubicin alone in LMS-04, with more (mostly hematologic) toxicity. Outside the US trabectedin label (which covers use after an anthracycline). Trabectedin needs dexamethasone premedication and central venous access; supportive care per the institutional order set.',
    next: ['M-2L-GEM-DOCE'],
  },
  'M-LMS-TRAB-MAINT': {
    title: 'LMS: maintenance trabectedin, up to 1 year', kind: 'regimen', indicator: 'info',
    drugs: ['trabectedin'],
    evidence: ['LMS-04', 'LMS-04-OS'],
    note: 'Maintenance after doxorubicin + trabectedin, if no progression, as in LMS-04.',
    next: ['M-2L-GEM-DOCE'],
  },
  'M-1L-DOXO': {
    title: 'First line: doxorubicin', kind: 'regimen', indicator: 'info',
    drugs: ['doxorubicin'],
    evidence: ['EORTC-62012', 'GEDDIS'],
    note: 'Single-agent doxorubicin remains the first-line standard; adding ifosfamide improved response and progression-free survival but not overall survival (EORTC 62012); gemcitabine + docetaxel was not better (GeDDiS).',
    next: ['M-2L-GEM-DOCE'],
  },
  'M-2L-GEM-DOCE': {
    title: 'Second line: gemcitabine + docetaxel', kind: 'regimen', indicator: 'info',
    drugs: ['gemcitabine', 'docetaxel'],
    evidence: ['MAKI-2007', 'GEDDIS'],
    note: 'Gemcitabine + docetaxel improved progression-free and overall survival over gemcitabine alone in a randomized phase II trial (SARC002).',
    next: 'line3',
  },
  'M-3L-TRABECTEDIN': {
    title: 'Later line: trabectedin (LMS, LPS)', kind: 'regimen', indicator: 'info',
    drugs: ['trabectedin'],
    evidence: ['DEMETRI-2016'],
    note: 'Improved progression-free survival over dacarbazine (4.2 vs 1.5 months) in LPS and LMS after an anthracycline; label indication. Dexamethasone premedication, central line.',
    next: 'line3',
  },
  'M-3L-PAZOPANIB': {
    title: 'Later line: pazopanib (non-adipocytic STS)', kind: 'regimen', indicator: 'info',
    drugs: ['pazopanib'],
    evidence: ['PALETTE'],
    note: 'Improved progression-free survival (4.6 vs 1.6 months), not overall survival, over placebo in non-adipocytic STS after chemotherapy (PALETTE); adipocytic sarcoma was excluded.',
    next: 'line3',
  },
  'M-3L-ERIBULIN': {
    title: 'Later line: eribulin (LPS)', kind: 'regimen', indicator: 'info',
    drugs: ['eribulin'],
    evidence: ['SCHOFFSKI-2016', 'NCI-2016-ERIBULIN'],
    note: 'Improved overall survival over dacarbazine (13.5 vs 11.5 months); the benefit was confined to liposarcoma; FDA approval (2016) is for liposarcoma after an anthracycline.',
    next: 'line3',
  },
  'M-TRIAL': {
    title: 'Clinical trial', kind: 'procedure', indicator: 'info',
    service: { code: TRIAL_CODE, text: 'Referral for clinical trial evaluation' },
    evidence: ['CT-GOV-STS'],
    note: 'Clinical trials are an option at every line. The link searches ClinicalTrials.gov for the histology code\'s display (class OTHER with 8800/3: "soft tissue sarcoma").',
  },
  'D-UNCONFIRMED': {
    title: 'STS diagnosis not confirmed', kind: 'data', indicator: 'info', when: '§3 step 3',
    note: 'the Conditions and their verificationStatus; no recommendation until confirmed',
  },
  'D-MISSING-HISTOLOGY': {
    title: 'Histology needed to place the patient on the pathway', kind: 'data', indicator: 'warning', when: '§3 step 4',
    note: 'what was looked for (the F2 sources), the conflict if any, how to record it (mCODE histology extension with an ICD-O-3 code)',
  },
  'D-MISSING-EXTENT': {
    title: 'Extent of disease needed (localized or metastatic)', kind: 'data', indicator: 'warning', when: '§3 step 5',
    note: 'the Conditions and Observations looked for (§7.3, §7.4), and evidence ignored because it belongs to another primary',
  },
  'OFF-PATHWAY': {
    title: 'Order is off the STS pathway', kind: 'order', indicator: 'warning', when: '§5 step 7',
    note: "the patient's position and the on-pathway options",
  },
  'HISTOLOGY-SPECIFIC-OPTION': {
    title: 'Histology-specific option outside this pathway', kind: 'order', indicator: 'info', when: '§5 step 7 exceptions',
    note: "the drug, the histology, the evidence sentence of §5 step 7, and the patient's pathway position; no suggestion, no override reasons",
  },
  'POSITION-UNKNOWN': {
    title: 'No on-pathway regimen to compare', kind: 'order', indicator: 'info', when: '§5 step 2',
    note: 'Pathway position: <node title>; no on-pathway regimen to compare',
  },
  'CURRENT-OFF-PATHWAY': {
    title: 'Current regimen is not a node of this line', kind: 'info', indicator: 'info',
    when: 'the current regimen matches no node (§3)',
    note: "the regimen's drugs and start, the patient's line, the nodes of that line",
  },
  'D-DATA-UNAVAILABLE': {
    title: 'Patient data could not be read', kind: 'data', indicator: 'warning',
    when: 'a resource type needed could not be read (§2)',
    note: 'which query failed and why; no recommendation',
  },
  'D-ANTHRACYCLINE-CONTRAINDICATED': {
    title: 'Doxorubicin not recommended', kind: 'info', indicator: 'warning',
    when: 'a doxorubicin node would be output but `S-DOXO-LVEF` or `S-DOXO-CUMULATIVE` holds',
    note: 'the rule and its inputs; "cardio-oncology assessment before any anthracycline"; metastatic: the anthracycline-free alternative card',
  },
  'X-PEDIATRIC': {
    title: 'Pediatric patient: outside this adult pathway', kind: 'info', indicator: 'warning', when: 'age under 18',
    evidence: ['NCI-STS-RESEARCH'],
    note: 'pediatric and adolescent patients follow pediatric cooperative-group protocols; no regimen',
  },
  'X-UNCOVERED': {
    title: 'Histology not covered by this pathway', kind: 'info', indicator: 'warning', when: 'histology class `UNCOVERED`',
    evidence: ['NCI-STS-RESEARCH'],
    note: '<display> (<code>) is not covered by this pathway; no regimen is suggested',
  },
  'X-SPECIALTY': {
    title: 'Histology with its own pathway', kind: 'info', indicator: 'warning', when: 'histology class `SPECIALTY`',
    note: 'the generic STS pathway does not apply; per histology below',
  },
});

/** Every node id, in §4 order. */
export const NODE_IDS = Object.keys(NODES) as readonly NodeId[];

/** The §4.4 X-SPECIALTY statement and links of one specialty histology. */
export interface SpecialtyStatement {
  readonly histology: string;
  readonly statement: string;
  readonly evidence: readonly EvidenceKey[];
}

/** §4.4 X-SPECIALTY per-histology table. */
export const SPECIALTY_STATEMENTS: Readonly<Record<SpecialtyKind, SpecialtyStatement>> = {
  GIST: {
    histology: 'GIST',
    statement: 'treated with KIT/PDGFRA inhibitors (imatinib; avapritinib for PDGFRA exon 18 alterations), not STS chemotherapy',
    evidence: ['NCI-2024-GIST-IMATINIB', 'NCI-2020-AVAPRITINIB'],
  },
  desmoid: {
    histology: 'desmoid tumor',
    statement: 'its own pathway (active surveillance, nirogacestat, sorafenib)',
    evidence: ['DEFI-2023', 'NCI-2023-NIROGACESTAT', 'NCI-2018-SORAFENIB'],
  },
  Kaposi: {
    histology: 'Kaposi sarcoma',
    statement: 'its own pathway (e.g. paclitaxel for advanced AIDS-related KS in resource-limited settings)',
    evidence: ['NCI-2020-KAPOSI'],
  },
  ASPS: {
    histology: 'alveolar soft part sarcoma',
    statement: 'atezolizumab is FDA-approved for advanced disease',
    evidence: ['CHEN-2023', 'NCI-2022-ASPS', 'NCI-2023-ASPS'],
  },
  rhabdomyosarcoma: {
    histology: 'rhabdomyosarcoma (NOS, embryonal, alveolar), Ewing sarcoma',
    statement: 'dedicated multimodality protocols',
    evidence: ['NCI-STS-RESEARCH'],
  },
  Ewing: {
    histology: 'rhabdomyosarcoma (NOS, embryonal, alveolar), Ewing sarcoma',
    statement: 'dedicated multimodality protocols',
    evidence: ['NCI-STS-RESEARCH'],
  },
};
