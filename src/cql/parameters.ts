import { CQL_THRESHOLDS, type Thresholds } from '../pathway/thresholds.js';

/**
 * The PATHWAY.md §9 thresholds as CQL parameters, under the names of src/pathway/thresholds.ts. Every library that
 * reads one declares them all (a block `npm run build:cql` writes, tools/cql-build/threshold-cql.ts), and cql-execution hands
 * the main library's parameter values to its included libraries by name.
 */
export function thresholdParameters(t: Thresholds): Record<string, number | boolean> {
  return Object.fromEntries(CQL_THRESHOLDS.map((d) => [d.cql, t[d.name]]));
}
