/**
 * Converts cql-execution results into plain JSON values, so engine types stop at src/cql/.
 */
import { Code, Concept, Date as CqlDate, DateTime, Interval, Quantity, Ratio } from 'cql-execution';
import { FhirValue } from '../engine/runtime/fhir.js';

/** A plain JSON value as the engine returns it. */
export type PlainValue = null | boolean | number | string | PlainValue[] | { [key: string]: PlainValue };

/** A FHIR resource or element as cql-exec-fhir wraps it (the raw JSON is kept in `_json`). */
function fhirJsonOf(v: object): unknown {
  return typeof Reflect.get(v, 'getTypeInfo') === 'function' ? Reflect.get(v, '_json') : undefined;
}

function isResourceJson(v: unknown): v is { resourceType: string; id?: string } {
  return typeof v === 'object' && v !== null && typeof Reflect.get(v, 'resourceType') === 'string';
}

/**
 * Plain value of a CQL result: DateTime and Date as ISO strings at their precision ("2025-06" stays partial),
 * Quantity as {value, unit}, Code as {system, code, display}, Concept as {codes, display}, Interval as
 * {low, high, lowClosed, highClosed}, a FHIR resource as its "Type/id" reference, another FHIR element as its JSON.
 */
export function toPlain(v: unknown): PlainValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (Array.isArray(v)) return v.map(toPlain);
  if (typeof v !== 'object') return null;
  if (v instanceof DateTime || v instanceof CqlDate) return v.toString();
  // cql-execution types both `any`: the value is a number, the unit a UCUM string (absent when unitless).
  if (v instanceof Quantity) return { value: v.value as number, unit: v.unit as string };
  if (v instanceof Code) {
    return { system: v.system ?? null, code: v.code, display: v.display ?? null };
  }
  if (v instanceof Concept) return { codes: toPlain(v.codes), display: v.display ?? null };
  if (v instanceof Interval) {
    return {
      low: toPlain(v.low),
      high: toPlain(v.high),
      lowClosed: v.lowClosed ?? null,
      highClosed: v.highClosed ?? null,
    };
  }
  if (v instanceof Ratio) return { numerator: toPlain(v.numerator), denominator: toPlain(v.denominator) };
  const json: unknown = v instanceof FhirValue ? v.json : fhirJsonOf(v);
  if (json !== undefined) {
    if (isResourceJson(json)) return `${json.resourceType}/${json.id ?? ''}`;
    return toPlainJson(json);
  }
  const out: { [key: string]: PlainValue } = {};
  for (const [key, value] of Object.entries(v)) out[key] = toPlain(value);
  return out;
}

function toPlainJson(v: unknown): PlainValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean' || typeof v === 'string' || typeof v === 'number') return v;
  if (Array.isArray(v)) return v.map(toPlainJson);
  if (typeof v === 'object') {
    const out: { [key: string]: PlainValue } = {};
    for (const [key, value] of Object.entries(v)) out[key] = toPlainJson(value);
    return out;
  }
  return null;
}
