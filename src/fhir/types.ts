/**
 * What the data path (src/fhir/patient-data.ts) hands the engine: the patient's resources and what could not be read.
 */
import type { Bundle } from 'fhir/r4.js';

/** The patient data a hook reads: one de-duplicated Bundle, and the resource types that could not be read. */
export interface PatientData {
  readonly bundle: Bundle;
  /** Resource types (e.g. 'Observation') whose query failed both ways, with why. */
  readonly unreadable: ReadonlyMap<string, string>;
  /**
   * Resource types read only in part (PATHWAY.md §2: a searchset whose `next` pages could not be followed), with why.
   * The resources found are in `bundle`; the engine gets the type names as the CQL parameter `Incomplete`.
   */
  readonly incomplete?: ReadonlyMap<string, string>;
  /** What else the data path noticed, for the "Based on" list of every card (resources left out, the EHR's warnings). */
  readonly notices?: DataNotices;
}

/** What the data path noticed besides unreadable types; src/cards/fact-entries.ts words it. */
export interface DataNotices {
  /** The warning and information OperationOutcomes of the answers (§2 rule 1), "Type: text", in the order read. */
  readonly warnings: readonly string[];
  /** Resources left out because their subject is not provably the context patient, by reason and type. */
  readonly leftOut: readonly LeftOutCount[];
}

/** Why a resource was left out of the patient's data (PATHWAY.md §2). */
export type LeftOutReason = 'another-patient' | 'no-reference' | 'unresolved-reference';

/** How many resources of one type were left out for one reason. */
export interface LeftOutCount {
  readonly reason: LeftOutReason;
  readonly resourceType: string;
  readonly count: number;
}
