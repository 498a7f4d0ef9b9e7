import type { CapabilityStatement, CapabilityStatementRestResource } from 'fhir/r4.js';

type RestType = CapabilityStatementRestResource['type'];

const INTERACTIONS = ['read', 'vread', 'update', 'delete', 'history-instance', 'create', 'search-type'] as const;

/** The CapabilityStatement `GET /metadata` answers (Medplum's router has none of its own). */
export function buildCapabilityStatement(resourceTypes: readonly string[], baseUrl: string): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString(),
    kind: 'instance',
    software: { name: 'sts-pathway-cds embedded FHIR server (Medplum FhirRouter + MemoryRepository)' },
    implementation: { description: 'In-memory FHIR R4 server for development and tests', url: baseUrl },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    rest: [
      {
        mode: 'server',
        resource: resourceTypes.map((type) => ({
          // The names come from the R4 resource definitions @types/fhir also lists; it types them as a union.
          type: type as RestType,
          interaction: INTERACTIONS.map((code) => ({ code })),
          versioning: 'versioned',
          readHistory: true,
          updateCreate: true,
        })),
        interaction: [{ code: 'transaction' }, { code: 'batch' }],
      },
    ],
  };
}
