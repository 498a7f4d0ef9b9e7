/**
 * Only this patient's data (issue 15, item 1): a resource the pathway reads counts for the context patient only when
 * its patient reference provably is that patient. Everything else is left out, and counted so the cards can say so.
 */
import type { FhirResource } from 'fhir/r4.js';
import { isRecord } from '../shared/guards.js';
import { FHIR_ID } from '../shared/fhir-id.js';
import type { LeftOutCount, LeftOutReason } from './types.js';

export type { LeftOutReason } from './types.js';

/**
 * The element that names the patient, per resource type the pathway reads (R4: all `subject`). A type not listed here
 * is not read by the pathway and passes through (a Medication has no patient).
 */
export const PATIENT_REFERENCE: Readonly<Record<string, string>> = Object.freeze({
  Condition: 'subject',
  Observation: 'subject',
  MedicationRequest: 'subject',
  MedicationAdministration: 'subject',
  MedicationStatement: 'subject',
  Procedure: 'subject',
});

/** Every resource type the pathway reads (PATIENT_REFERENCE, the Patient, and the Medications that orders reference). */
export const READ_TYPES: ReadonlySet<string> = new Set([...Object.keys(PATIENT_REFERENCE), 'Patient', 'Medication']);

/**
 * The patient id a reference string provably names: relative `Patient/<id>`, or an absolute http(s) URL whose last two
 * path segments are `Patient/<id>` (no `_history`, query, fragment or trailing slash), or a `urn:uuid:` found in
 * `patientUrls` (the fullUrls of the Patients of the same Bundle, mapped to their ids). Anything else: undefined.
 */
export function patientOfReference(reference: string, patientUrls: ReadonlyMap<string, string>): string | undefined {
  if (reference.startsWith('urn:')) return patientUrls.get(reference);
  const relative = /^Patient\/([^/]*)$/.exec(reference);
  if (relative) return FHIR_ID.test(relative[1] ?? '') ? relative[1] : undefined;
  if (!/^https?:\/\//.test(reference) || !URL.canParse(reference)) return undefined;
  const url = new URL(reference);
  // The raw text must end in the two segments: URL parsing would drop a bare `?` or `#` and resolve dot segments.
  if (url.search !== '' || url.hash !== '' || /[?#]/.test(reference)) return undefined;
  const segments = url.pathname.split('/');
  const id = segments.at(-1) ?? '';
  return segments.at(-2) === 'Patient' && FHIR_ID.test(id) && reference.endsWith(`/Patient/${id}`) ? id : undefined;
}

/** Why `resource` is not the context patient's, or undefined when it is (or is a type the pathway does not read). */
export function leftOutReason(
  resource: FhirResource,
  patientId: string,
  patientUrls: ReadonlyMap<string, string>,
): LeftOutReason | undefined {
  const field = PATIENT_REFERENCE[resource.resourceType];
  if (field === undefined) return undefined;
  const ref: unknown = Reflect.get(resource, field);
  const reference: unknown = isRecord(ref) ? ref.reference : undefined;
  if (typeof reference !== 'string' || reference === '') return 'no-reference';
  const id = patientOfReference(reference, patientUrls);
  if (id === undefined) return 'unresolved-reference';
  return id === patientId ? undefined : 'another-patient';
}

/** Counts of left-out resources by reason and type. */
export class LeftOut {
  private readonly counts = new Map<LeftOutReason, Map<string, number>>();
  private total = 0;

  add(reason: LeftOutReason, resourceType: string): void {
    const byType = this.counts.get(reason) ?? new Map<string, number>();
    byType.set(resourceType, (byType.get(resourceType) ?? 0) + 1);
    this.counts.set(reason, byType);
    this.total++;
  }

  get size(): number {
    return this.total;
  }

  /** The counts by reason (in the order first seen), then by type (likewise). */
  list(): LeftOutCount[] {
    return [...this.counts].flatMap(([reason, byType]) =>
      [...byType].map(([resourceType, count]) => ({ reason, resourceType, count })),
    );
  }
}
