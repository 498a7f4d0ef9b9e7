/**
 * What a card says for nodes whose §4 note describes the card rather than being the card's text (§4.3, §4.4 "the card
 * says", and the two localized info nodes that name patient data). Codes and URLs come from src/pathway.
 */
import type { FactEntry } from '../cql/decision.js';
import {
  MCODE_EXTENSION,
  NODES,
  OBSERVATION_CODES,
  RULES,
  SPECIALTY_STATEMENTS,
  SYSTEMS,
  type EvidenceKey,
  type NodeId,
  type SpecialtyStatement,
} from '../pathway/index.js';
import { specialtyOf, trialTerm } from './evidence.js';
import { escapeMarkdown } from './text.js';

/** The prose and extra evidence of a node's card. */
export interface NodeText {
  readonly text: string;
  readonly evidence: readonly EvidenceKey[];
}

const histologyLoinc = OBSERVATION_CODES.histology.map((c) => c.code).join(', ');

/** Every distinct specialty statement (rhabdomyosarcoma and Ewing share one row of §4.4). */
const distinctStatements = (): SpecialtyStatement[] => [...new Set(Object.values(SPECIALTY_STATEMENTS))];

function specialtyText(facts: readonly FactEntry[]): NodeText {
  const kind = specialtyOf(facts);
  const rows = kind !== undefined ? [SPECIALTY_STATEMENTS[kind]] : distinctStatements();
  const lines = rows.map((r) => `${r.histology.charAt(0).toUpperCase()}${r.histology.slice(1)}: ${r.statement}.`);
  return {
    text: `The generic STS pathway does not apply to this histology; no regimen is suggested.\n\n${lines.join('\n\n')}`,
    evidence: rows.flatMap((r) => r.evidence),
  };
}

function uncoveredText(facts: readonly FactEntry[]): string {
  const h = facts.find((f) => f.code?.system === SYSTEMS.icdo3)?.code;
  const what = h ? `${escapeMarkdown(h.display ?? 'This histology')} (${escapeMarkdown(h.code)})` : 'This histology';
  return `${what} is not covered by this pathway; no regimen is suggested.`;
}

const CARD_TEXT: Partial<Record<NodeId, (facts: readonly FactEntry[], rules: readonly string[]) => string | NodeText>> = {
  'L-POST-RESECTION': () =>
    'Adjuvant therapy and follow-up per the multidisciplinary team; the surgery and any radiotherapy are listed below. ' +
    'For UPS with pembrolizumab started before surgery, adjuvant pembrolizumab (up to 14 cycles, SU2C-SARC032) is on ' +
    `pathway under "${NODES['L-NEOADJ-UPS-PEMBRO-RT'].title}".`,
  'L-OTHER-SITE': () =>
    'The primary site is coded outside the soft-tissue codes (e.g. uterine leiomyosarcoma, C55): no surgery, ' +
    'radiotherapy or neoadjuvant recommendation from this pathway; local therapy per the site-specific guideline.',
  'M-TRIAL': (facts) =>
    `Clinical trials are an option at every line. The link searches ClinicalTrials.gov for "${escapeMarkdown(trialTerm(facts))}".`,
  'D-UNCONFIRMED': () =>
    'No STS Condition is confirmed (their verificationStatus is listed below). No recommendation until the diagnosis is confirmed.',
  'D-MISSING-HISTOLOGY': () =>
    'Looked for, in this order: the mCODE histology-morphology-behavior extension on the STS Condition, an ICD-O-3 ' +
    `morphology coding of Condition.code, and a histology Observation (LOINC ${histologyLoinc}) that belongs to the STS. ` +
    `Record the histology with the mCODE extension (${MCODE_EXTENSION.histologyMorphologyBehavior}) and an ICD-O-3 code.`,
  'D-MISSING-EXTENT': () =>
    'Neither metastatic nor localized disease is recorded. Looked for: metastasis Conditions (secondary malignant ' +
    'neoplasm or the mCODE secondary cancer profile), M category and stage group Observations, and the STS Condition ' +
    'stage. Record the M category or stage group to place the patient on the pathway.',
  'CURRENT-OFF-PATHWAY': () =>
    'The current regimen matches no node of the patient\'s line; no regimen is suggested while it is given.',
  'D-DATA-UNAVAILABLE': () => 'Patient data needed by the pathway could not be read; no recommendation.',
  'D-ANTHRACYCLINE-CONTRAINDICATED': (_facts, rules) => {
    const held = rules.filter((r): r is keyof typeof RULES => Object.hasOwn(RULES, r));
    const why = held.map((r) => `${RULES[r].title}.`);
    return { text: [...why, 'Cardio-oncology assessment before any anthracycline.'].join('\n\n'), evidence: held.flatMap((r) => RULES[r].evidence) };
  },
  'X-PEDIATRIC': () =>
    'Pediatric and adolescent patients follow pediatric cooperative-group protocols; no regimen is suggested.',
  'X-UNCOVERED': (facts) => uncoveredText(facts),
  'X-SPECIALTY': (facts) => specialtyText(facts),
};

/** The card text for a node: its §4 evidence note, or the card prose of §4.3/§4.4 nodes. */
export function nodeText(id: NodeId, facts: readonly FactEntry[], rules: readonly string[]): NodeText {
  const custom = CARD_TEXT[id]?.(facts, rules);
  if (custom === undefined) return { text: NODES[id].note, evidence: NODES[id].evidence };
  if (typeof custom === 'string') return { text: custom, evidence: NODES[id].evidence };
  return { text: custom.text, evidence: [...NODES[id].evidence, ...custom.evidence] };
}
