import type { Bundle, FhirResource } from 'fhir/r4.js';
import { isObject } from '../http/validate-request.js';

/** A JSON value that names a resource type (the least a FHIR resource has). */
export function isFhirResource(v: unknown): v is FhirResource {
  return isObject(v) && typeof v.resourceType === 'string' && v.resourceType.length > 0;
}

export function isBundle(v: unknown): v is Bundle {
  return isFhirResource(v) && v.resourceType === 'Bundle';
}

export function isOperationOutcome(v: unknown): boolean {
  return isFhirResource(v) && v.resourceType === 'OperationOutcome';
}

/** The resources of a prefetch value or FHIR answer: a Bundle's entries, or the resource itself; OperationOutcomes dropped. */
export function resourcesOf(value: unknown): FhirResource[] {
  if (isBundle(value)) {
    // Request and FHIR-server JSON is untrusted: `entry` may be anything, and its items too.
    const entries: unknown = value.entry;
    return (Array.isArray(entries) ? entries : []).flatMap((e: unknown) => {
      const r: unknown = isObject(e) ? e.resource : undefined;
      return isFhirResource(r) && r.resourceType !== 'OperationOutcome' ? [r] : [];
    });
  }
  return isFhirResource(value) && value.resourceType !== 'OperationOutcome' ? [value] : [];
}

/** The patient id a reference points at (`Patient/1`, `https://x/fhir/Patient/1/_history/2`), if it is one. */
export function patientIdOfReference(reference: unknown): string | undefined {
  if (typeof reference !== 'string') return undefined;
  return /(?:^|\/)Patient\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(reference)?.[1];
}

/** The patient a resource says it belongs to (Patient itself, or its `subject`/`patient` reference), if it says. */
export function ownerOf(r: FhirResource): string | undefined {
  // Request JSON is untrusted: a Patient whose id is not a string names no patient.
  if (r.resourceType === 'Patient') return typeof r.id === 'string' ? r.id : undefined;
  for (const field of ['subject', 'patient'] as const) {
    const ref: unknown = Reflect.get(r, field);
    const id = isObject(ref) ? patientIdOfReference(ref.reference) : undefined;
    if (id !== undefined) return id;
  }
  return undefined;
}

/** True when `a` is a later version than `b` by `meta.lastUpdated` (a stamped version beats an unstamped one). */
function isLater(a: FhirResource, b: FhirResource): boolean {
  const ta = Date.parse(a.meta?.lastUpdated ?? '');
  const tb = Date.parse(b.meta?.lastUpdated ?? '');
  if (Number.isNaN(ta)) return false;
  return Number.isNaN(tb) || ta > tb;
}

/**
 * One `collection` Bundle of the patient's resources: de-duplicated by type/id (the later `meta.lastUpdated` wins),
 * OperationOutcomes dropped, resources of another patient than `patientId` dropped where a reference says so, and no
 * Patient but the one with that id.
 */
export function normalizePatientBundle(resources: Iterable<FhirResource>, patientId: string): Bundle {
  const byKey = new Map<string, FhirResource>();
  let anonymous = 0;
  for (const r of resources) {
    if (r.resourceType === 'OperationOutcome') continue;
    // The engine reads exactly one Patient: any Patient but the context patient (another id, or none) is not this one.
    if (r.resourceType === 'Patient' && r.id !== patientId) continue;
    const owner = ownerOf(r);
    if (owner !== undefined && owner !== patientId) continue;
    const key = r.id ? `${r.resourceType}/${r.id}` : `#${anonymous++}`;
    const seen = byKey.get(key);
    if (!seen || isLater(r, seen)) byKey.set(key, r);
  }
  return {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [...byKey.values()].map((resource) => ({ resource })),
  };
}
