/**
 * Why one FHIR query failed, as a class the data path decides on (PATHWAY.md §2 "Unreadable data").
 * Messages never hold the URL, the token or the patient id: they reach logs and OperationOutcomes.
 */
export type FetchFailureKind =
  | 'unreachable'
  | 'timeout'
  | 'deadline'
  | 'http-status'
  | 'not-fhir'
  | 'too-large'
  | 'too-many-entries'
  | 'too-deep'
  | 'outcome'
  | 'too-many-pages'
  | 'next-link-loop'
  | 'foreign-link'
  | 'unfillable-template';

/** A failed FHIR request or query, classified. */
export class FhirFetchError extends Error {
  constructor(
    readonly kind: FetchFailureKind,
    message: string,
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = 'FhirFetchError';
  }
}
