import type { Bundle, BundleEntry, FhirResource } from 'fhir/r4.js';
import type { CdsRequest, PatientData } from '../hooks/types.js';

/**
 * Assembles the patient's data for a hook from the request's prefetch.
 * (Fetching the keys the EHR omitted from `fhirServer` is added by the data-path module.)
 */
export async function loadPatientData(request: CdsRequest): Promise<PatientData> {
  const entries: BundleEntry[] = [];
  const seen = new Set<string>();
  const add = (r: FhirResource): void => {
    const key = `${r.resourceType}/${r.id ?? `#${seen.size}`}`;
    if (seen.has(key)) return;
    seen.add(key);
    entries.push({ resource: r });
  };
  for (const value of Object.values(request.prefetch ?? {})) {
    if (!value || typeof value !== 'object') continue;
    const r = value as { resourceType?: unknown };
    if (r.resourceType === 'Bundle') {
      for (const e of (value as Bundle).entry ?? []) if (e.resource) add(e.resource as FhirResource);
    } else if (typeof r.resourceType === 'string' && r.resourceType !== 'OperationOutcome') {
      add(value as FhirResource);
    }
  }
  return { bundle: { resourceType: 'Bundle', type: 'collection', entry: entries }, unreadable: new Map() };
}
