/**
 * The §7.3 Observation code lists as value sets: CQL retrieves name them (`[Observation: Codes."Observation Lvef"]`)
 * and the engine's code service holds their expansions, so the engine tests a resource's codes in JavaScript instead
 * of CQL testing every Observation of a chart. The expansions are OBSERVATION_CODES, unchanged; the URLs are this
 * service's own (no published value set has exactly these members).
 */
import { OBSERVATION_CODES, type ObservationFact } from './codes.js';
import { camelToKebab, camelToTitle } from './names.js';

/** One value set: the CQL name StsCodes declares it under, its URL and version, its codes. */
export interface ValueSetDef {
  readonly name: string;
  readonly url: string;
  readonly version: string;
  readonly codes: readonly { readonly system: string; readonly code: string }[];
}

const VERSION = '1.0.0';

/** One value set per §7.3 Observation fact, in OBSERVATION_CODES order. */
export const OBSERVATION_VALUE_SETS: readonly ValueSetDef[] = (Object.keys(OBSERVATION_CODES) as ObservationFact[]).map(
  (key) => ({
    name: `Observation ${camelToTitle(key)}`,
    url: `urn:sts-pathway-cds:valueset:observation-${camelToKebab(key)}`,
    version: VERSION,
    codes: OBSERVATION_CODES[key].map(({ system, code }) => ({ system, code })),
  }),
);

/** The expansions in the shape of cql-execution's CodeService (`{ url: { version: codes } }`). */
export function valueSetExpansions(): Record<string, Record<string, { system: string; code: string }[]>> {
  return Object.fromEntries(
    OBSERVATION_VALUE_SETS.map((v) => [v.url, { [v.version]: v.codes.map((c) => ({ ...c })) }]),
  );
}
