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
  /** Data-quality lines for the "Based on" list of every card (resources left out, the EHR's warnings). */
  readonly notices?: readonly DataNotice[];
}

/** One data-quality line of the "Based on" list, e.g. fact "Left out", value "2 resources: ...". */
export interface DataNotice {
  readonly fact: string;
  readonly value: string;
}
