import { PREFETCH_TEMPLATES, fillPrefetchTemplate } from '../../src/fhir/prefetch.js';

/** The full prefetch of a patient, read from a FHIR server with the service's own templates (as an EHR would send it). */
export async function prefetchOf(fhirUrl: string, patientId: string): Promise<Record<string, unknown>> {
  const entries = await Promise.all(
    Object.entries(PREFETCH_TEMPLATES).map(async ([key, template]) => {
      const query = fillPrefetchTemplate(template, { context: { patientId } });
      if (query === undefined) throw new Error(`template ${key} cannot be filled`);
      const res = await fetch(`${fhirUrl}/${query}`, { headers: { accept: 'application/fhir+json' } });
      if (!res.ok) throw new Error(`prefetch ${key}: HTTP ${res.status}`);
      return [key, (await res.json()) as unknown] as const;
    }),
  );
  return Object.fromEntries(entries);
}
