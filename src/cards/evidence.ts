/**
 * Evidence on cards (PATHWAY.md §8): links for references with a verified URL, text citations for the others, and
 * the facts a card reads to choose a ClinicalTrials.gov term or a specialty statement.
 */
import type { FactEntry } from '../cql/decision.js';
import type { Link } from '../hooks/types.js';
import {
  EVIDENCE,
  HISTOLOGY_CODES,
  NON_SPECIFIC_HISTOLOGY,
  SPECIALTY_BY_ICD10_PREFIX,
  SYSTEMS,
  evidenceUrl,
  type EvidenceKey,
  type SpecialtyKind,
} from '../pathway/index.js';

/** The default ClinicalTrials.gov term (M-TRIAL note: class OTHER with 8800/3 searches "soft tissue sarcoma"). */
export const DEFAULT_TRIAL_TERM = 'soft tissue sarcoma';

const ALL_HISTOLOGY = Object.values(HISTOLOGY_CODES).flat();

/** The ICD-O-3 histology coding among the facts, if any. */
function histologyCode(facts: readonly FactEntry[]): { code: string; display?: string } | undefined {
  const f = facts.find((x) => x.code?.system === SYSTEMS.icdo3);
  return f?.code;
}

/** The ClinicalTrials.gov search term: the display of the patient's histology code, else "soft tissue sarcoma". */
export function trialTerm(facts: readonly FactEntry[]): string {
  const h = histologyCode(facts);
  if (!h || NON_SPECIFIC_HISTOLOGY.includes(h.code)) return DEFAULT_TRIAL_TERM;
  return ALL_HISTOLOGY.find((d) => d.code === h.code)?.display ?? h.display ?? DEFAULT_TRIAL_TERM;
}

/** The specialty histology the facts name (an ICD-O-3 code of §7.2 or an ICD-10-CM C49.A / C46 diagnosis). */
export function specialtyOf(facts: readonly FactEntry[]): SpecialtyKind | undefined {
  for (const f of facts) {
    const c = f.code;
    if (!c) continue;
    if (c.system === SYSTEMS.icdo3) {
      const hit = HISTOLOGY_CODES.SPECIALTY.find((d) => d.code === c.code);
      if (hit?.specialty) return hit.specialty;
    }
    if (c.system === SYSTEMS.icd10cm) {
      const prefix = Object.keys(SPECIALTY_BY_ICD10_PREFIX).find((p) => c.code.startsWith(p));
      if (prefix !== undefined) return SPECIALTY_BY_ICD10_PREFIX[prefix];
    }
  }
  return undefined;
}

/** Absolute links for the references that have a verified URL (label: first author, journal, year). */
export function evidenceLinks(keys: readonly EvidenceKey[], facts: readonly FactEntry[]): Link[] {
  const links: Link[] = [];
  const seen = new Set<string>();
  for (const key of keys) {
    const term = trialTerm(facts);
    const url = evidenceUrl(key, term);
    if (url === undefined || seen.has(url)) continue;
    seen.add(url);
    const label = key === 'CT-GOV-STS' ? `${EVIDENCE[key].label}: ${term}` : EVIDENCE[key].label;
    links.push({ label, url, type: 'absolute' });
  }
  return links;
}

/** Citations of the references without a link, as text (§8: "cited in the card detail as text, without a link"). */
export function textCitations(keys: readonly EvidenceKey[]): string[] {
  return [...new Set(keys)].filter((k) => evidenceUrl(k) === undefined).map((k) => EVIDENCE[k].citation);
}
