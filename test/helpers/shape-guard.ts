/** The shape guard as the engine builds it (the CQL's reads, the engine's model info), without a whole engine. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_ELM_DIR } from '../../src/cql/engine.js';
import { createPatientSourceFactory } from '../../src/cql/patient-source.js';
import { cqlReads, type PathwayReads } from '../../src/cql/pathway-reads.js';
import { createShapeGuard, type ShapeGuard } from '../../src/cql/shape-guard.js';

/** Every compiled library of cql/. */
export function compiledLibraries(): unknown[] {
  return readdirSync(DEFAULT_ELM_DIR)
    .filter((f) => f.endsWith('.elm.json'))
    .sort()
    .map((f): unknown => JSON.parse(readFileSync(join(DEFAULT_ELM_DIR, f), 'utf8')));
}

/** The engine's model info (cql-exec-fhir's parsed FHIR 4.0.1). */
export function modelInfo(): object {
  const m = createPatientSourceFactory().modelInfo;
  if (typeof m !== 'object' || m === null) throw new Error('no model info');
  return m;
}

/** What the CQL reads, derived as the engine derives it. */
export function cqlReadsOfRepo(): PathwayReads {
  return cqlReads(compiledLibraries(), modelInfo());
}

export function engineShapeGuard(): ShapeGuard {
  return createShapeGuard(modelInfo(), cqlReadsOfRepo());
}
