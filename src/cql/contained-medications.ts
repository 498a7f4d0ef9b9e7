/**
 * Contained Medications lifted into the Bundle before the CQL libraries run: cql/StsTreatment reads a `#id` medication
 * reference by the lifted id (`HoistedId`).
 */
import type { Bundle, BundleEntry, Medication, Resource } from 'fhir/r4.js';

/** Prefix of the id under which a contained Medication is lifted into the Bundle (StsTreatment `HoistedId`). */
const HOISTED_PREFIX = 'contained';

const MEDICATION_OWNERS: ReadonlySet<string> = new Set([
  'MedicationAdministration',
  'MedicationStatement',
  'MedicationRequest',
]);

function isMedication(r: unknown): r is Medication {
  return typeof r === 'object' && r !== null && Reflect.get(r, 'resourceType') === 'Medication';
}

/**
 * Copies the contained Medications of medication resources to Bundle entries with the id StsTreatment looks up
 * (`contained.<Type>.<id>.<containedId>`): cql-exec-fhir types `contained` as FHIR.Resource, so CQL cannot read them
 * in place. Returns the same bundle when nothing is contained.
 */
export function hoistContainedMedications(bundle: Bundle): Bundle {
  const hoisted: BundleEntry[] = [];
  for (const entry of bundle.entry ?? []) {
    const r: Resource | undefined = entry.resource;
    if (r === undefined || !MEDICATION_OWNERS.has(r.resourceType) || r.id === undefined) continue;
    const contained: unknown = Reflect.get(r, 'contained');
    if (!Array.isArray(contained)) continue;
    for (const c of contained) {
      if (!isMedication(c) || c.id === undefined) continue;
      hoisted.push({ resource: { ...c, id: [HOISTED_PREFIX, r.resourceType, r.id, c.id].join('.') } });
    }
  }
  return hoisted.length === 0 ? bundle : { ...bundle, entry: [...(bundle.entry ?? []), ...hoisted] };
}
