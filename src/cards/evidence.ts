/**
 * Evidence on cards (PATHWAY.md §8): links for references with a verified URL, text citations for the others, and
 * the facts a card reads to choose a ClinicalTrials.gov term or a specialty statement.
 */
import type { FactEntry } from './worded.js';
import type { Link } from '../shared/cds-hooks.js';
import { histologyCode } from './facts-view.js';
import {
  DEFAULT_TRIAL_TERM,
  EVIDENCE,
  HISTOLOGY_CODES,
  TRIAL_TERMS,
  UNCOVERED_TRIAL_TERM,
  SPECIALTY_BY_ICD10_PREFIX,
  SYSTEMS,
  evidenceUrl,
  type EvidenceKey,
  type SpecialtyKind,
} from '../pathway/index.js';

/** The ClinicalTrials.gov search term: the §7.2 trial term of the patient's histology, else "soft tissue sarcoma". */
export function trialTerm(facts: readonly FactEntry[]): string {
  const h = histologyCode(facts);
  return (h !== undefined ? TRIAL_TERMS[h.code] : undefined) ?? DEFAULT_TRIAL_TERM;
}

/** §4.4 X-UNCOVERED's search term: the record's display of the histology without ", NOS", else "sarcoma". */
export function uncoveredTrialTerm(facts: readonly FactEntry[]): string {
  const display = histologyCode(facts)
    ?.display?.replace(/,\s*NOS\b/giu, '')
    .trim();
  return display !== undefined && display !== '' ? display : UNCOVERED_TRIAL_TERM;
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
    // F2 rule 0: GIST (C49.A*) and Kaposi (C46.*) by their ICD-10-CM code, whichever fact carries it.
    const prefix = Object.keys(SPECIALTY_BY_ICD10_PREFIX).find((p) => c.code.startsWith(p));
    if (prefix !== undefined) return SPECIALTY_BY_ICD10_PREFIX[prefix];
  }
  return undefined;
}

/**
 * Absolute links for the references that have a verified URL (label: first author, journal, year). `term`: the
 * ClinicalTrials.gov search term, by default the patient's §7.2 trial term.
 */
export function evidenceLinks(
  keys: readonly EvidenceKey[],
  facts: readonly FactEntry[],
  term: string = trialTerm(facts),
): Link[] {
  const links: Link[] = [];
  const seen = new Set<string>();
  for (const key of keys) {
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
