/**
 * The "Based on" facts of a card with the data path's findings folded in (PATHWAY.md §2): types read only in part
 * (incomplete), resources left out, the EHR's warnings.
 */
import type { PatientData } from '../fhir/types.js';
import type { FactEntry } from './decision.js';
import { buildFacts } from './facts.js';
import type { PlainValue } from './plain.js';

const MEDICATION_TYPES: ReadonlySet<string> = new Set([
  'MedicationRequest',
  'MedicationAdministration',
  'MedicationStatement',
]);

/** The fact list of every card: the pathway facts, then the data-quality lines. */
export function factsOf(raw: Readonly<Record<string, PlainValue>>, data: PatientData): FactEntry[] {
  // §2: an incomplete type counts as unreadable for the facts built on it, except that the exposures found still count.
  const unavailable = new Map(data.unreadable);
  for (const [type, why] of data.incomplete ?? []) {
    if (!MEDICATION_TYPES.has(type) && !unavailable.has(type)) unavailable.set(type, `read only in part: ${why}`);
  }
  return [...buildFacts(raw, unavailable), ...dataQualityFacts(data)];
}

/** The lines saying what of the record could not be used as it came. */
export function dataQualityFacts(data: PatientData): FactEntry[] {
  const out: FactEntry[] = [];
  const partial = [...(data.incomplete ?? [])].filter(
    ([type]) => MEDICATION_TYPES.has(type) && !data.unreadable.has(type),
  );
  if (partial.length > 0) {
    const why = partial.map(([type, reason]) => `${type}: ${reason}`).join('; ');
    out.push({
      fact: 'Treatment history',
      value: `incomplete (${why}): the line and the cumulative dose are lower bounds (at least)`,
    });
  }
  for (const n of data.notices ?? []) out.push({ fact: n.fact, value: n.value });
  return out;
}
