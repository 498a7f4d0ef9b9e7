/**
 * Type guards every layer narrows `unknown` JSON with (a request body, a FHIR resource, ELM, a config file).
 */

/** A JSON object: not null, not an array. */
export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
