/**
 * Prefetch templates: queries any FHIR R4 EHR API answers (a read and patient-scoped type searches).
 * https://cds-hooks.hl7.org/2.0/#prefetch-template
 */
export const PREFETCH_TEMPLATES: Readonly<Record<string, string>> = Object.freeze({
  patient: 'Patient/{{context.patientId}}',
  conditions: 'Condition?patient={{context.patientId}}&_count=100',
  observations: 'Observation?patient={{context.patientId}}&_count=200',
  medicationRequests: 'MedicationRequest?patient={{context.patientId}}&_count=100',
  medicationAdministrations: 'MedicationAdministration?patient={{context.patientId}}&_count=100',
  medicationStatements: 'MedicationStatement?patient={{context.patientId}}&_count=100',
  procedures: 'Procedure?patient={{context.patientId}}&_count=100',
});
