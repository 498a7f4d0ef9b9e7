/**
 * Converts cql-execution results into plain JSON values, so engine types stop at src/cql/.
 */
import { Code, Concept, Date as CqlDate, DateTime, Interval, Quantity, Ratio } from 'cql-execution';
import { FhirValue } from '../engine/runtime/fhir.js';

/** A plain JSON value as the engine returns it. */
export type PlainValue = null | boolean | number | string | PlainValue[] | { [key: string]: PlainValue };

/** A FHIR resource or element as cql-exec-fhir wraps it (the raw JSON is kept in `_json`). */
function isFhirObject(v: object): boolean {
  return typeof Reflect.get(v, 'getTypeInfo') === 'function';
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
  return convert(v, { fhirValue: false });
}

/** The plain values of every define of an evaluation but `Patient`, and whether a define held a FHIR value. */
export interface PlainResults {
  readonly plain: Record<string, PlainValue>;
  /** True when some define held a FHIR resource or element (converted to a reference or to a copy of its JSON). */
  readonly heldFhirValue: boolean;
}

/**
 * Converts every define of an evaluation but `Patient` (its resource is the request's, and never read as a value).
 * Each caller reads every define of StsPathway and StsOrders (src/cql/patient-facts.ts reads them all), so they are
 * converted here in one pass, which also tells whether a FHIR value was met (bench/profile.md, "Eleventh pass").
 */
export function toPlainResults(results: Readonly<Record<string, unknown>>): PlainResults {
  const note = { fhirValue: false };
  const plain: Record<string, PlainValue> = {};
  for (const key of Object.keys(results)) if (key !== 'Patient') plain[key] = convert(results[key], note);
  return { plain, heldFhirValue: note.fhirValue };
}

/** What a conversion met on its way (one object per conversion, passed down). */
interface Note {
  fhirValue: boolean;
}

function convert(v: unknown, note: Note): PlainValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (Array.isArray(v)) {
    const out: PlainValue[] = [];
    for (const item of v) out.push(convert(item, note));
    return out;
  }
  if (typeof v !== 'object') return null;
  // Tuples (most values) are plain objects: none of the classes below, and no FHIR wrapper.
  if (Object.getPrototypeOf(v) === Object.prototype && !isFhirObject(v)) return convertFields(v, note);
  if (v instanceof DateTime || v instanceof CqlDate) return v.toString();
  // cql-execution types both `any`: the value is a number, the unit a UCUM string (absent when unitless).
  if (v instanceof Quantity) return { value: v.value as number, unit: v.unit as string };
  if (v instanceof Code) {
    return { system: v.system ?? null, code: v.code, display: v.display ?? null };
  }
  if (v instanceof Concept) return { codes: convert(v.codes, note), display: v.display ?? null };
  if (v instanceof Interval) {
    return {
      low: convert(v.low, note),
      high: convert(v.high, note),
      lowClosed: v.lowClosed ?? null,
      highClosed: v.highClosed ?? null,
    };
  }
  if (v instanceof Ratio) return { numerator: convert(v.numerator, note), denominator: convert(v.denominator, note) };
  if (v instanceof FhirValue || isFhirObject(v)) {
    note.fhirValue = true;
    const json: unknown = v instanceof FhirValue ? v.json : Reflect.get(v, '_json');
    if (json !== undefined) return isResourceJson(json) ? `${json.resourceType}/${json.id ?? ''}` : toPlainJson(json);
  }
  return convertFields(v, note);
}

/** The own enumerable fields of an object, each converted. */
function convertFields(v: object, note: Note): { [key: string]: PlainValue } {
  const out: { [key: string]: PlainValue } = {};
  for (const key of Object.keys(v)) out[key] = convert(Reflect.get(v, key), note);
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
