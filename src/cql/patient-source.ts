/**
 * Per-evaluation FHIR patient sources sharing one parsed FHIR 4.0.1 model info.
 *
 * `PatientSource.FHIRv401()` parses a 760 KB model info on every call (60-110 ms). cql-exec-fhir 2.2.0 has no public
 * way to share it, so (TOOLCHAIN.md "Executing ELM") one base source is built at start and every evaluation gets a fresh
 * object with the base's prototype and `_modelInfo`, and its own `_bundles`/`_index`: a source is never shared between
 * concurrent evaluations (loading appends, the index moves). This leans on private fields of the pinned version and is
 * covered by test/unit/cql/patient-source.test.ts.
 *
 * Speed (bench/profile.md): reading a FHIR property wraps the JSON in a new FHIRObject every time (the constructor
 * defines a getter per element of the type hierarchy), and every `[Observation]` retrieve wraps every Observation
 * again; that was a quarter of an evaluation. `memoizeFhirReads` makes both happen once per resource and evaluation.
 */
import { PatientSource } from 'cql-exec-fhir';

/** Creates fresh patient sources for single bundles, all sharing one parsed model info. */
export interface PatientSourceFactory {
  forBundle(bundle: unknown): PatientSource;
  /** The shared parsed model info (cql-exec-fhir's ModelInfo), for readers of the same model (src/cql/shape-guard.ts). */
  readonly modelInfo: unknown;
}

type Getter = (this: object, field: string) => unknown;
type FindRecords = (this: object, profile: string, details?: { datatype?: string }) => unknown;

const MEMOIZED = Symbol.for('sts-pathway-cds.memoized-fhir-reads');

/**
 * Memoizes, per wrapped object, FHIRObject `get(field)` and Patient `findRecords(type)`: both are pure functions of the
 * (never mutated) Bundle JSON, so a repeated read returns the same wrapper instead of building a new one. The caches
 * hang off the wrappers (WeakMap), which live as long as one evaluation. Installed once per process.
 */
function memoizeFhirReads(patientPrototype: object): void {
  if (Reflect.get(patientPrototype, MEMOIZED) === true) return;
  const fhirObjectPrototype: unknown = Object.getPrototypeOf(patientPrototype);
  const get: unknown = typeof fhirObjectPrototype === 'object' && fhirObjectPrototype !== null
    ? Reflect.get(fhirObjectPrototype, 'get') : undefined;
  const findRecords: unknown = Reflect.get(patientPrototype, 'findRecords');
  if (typeof fhirObjectPrototype !== 'object' || fhirObjectPrototype === null || typeof get !== 'function'
    || typeof findRecords !== 'function') {
    throw new Error('cql-exec-fhir: FHIRObject.get / Patient.findRecords not found (version changed?)');
  }
  const reads = new WeakMap<object, Map<string, unknown>>();
  const originalGet = get as Getter;
  const memoGet: Getter = function (this: object, field: string): unknown {
    let cache = reads.get(this);
    if (cache === undefined) {
      cache = new Map();
      reads.set(this, cache);
    } else if (cache.has(field)) return cache.get(field);
    const value = originalGet.call(this, field);
    cache.set(field, value);
    return value;
  };
  const records = new WeakMap<object, Map<string, unknown>>();
  const originalFind = findRecords as FindRecords;
  const memoFind: FindRecords = function (this: object, profile: string, details?: { datatype?: string }): unknown {
    const key = `${profile}|${details?.datatype ?? ''}`;
    let cache = records.get(this);
    if (cache === undefined) {
      cache = new Map();
      records.set(this, cache);
    }
    let found = cache.get(key);
    if (found === undefined) {
      found = originalFind.call(this, profile, details);
      cache.set(key, found);
    }
    // A copy: the engine filters the list it gets; the cached one must stay whole.
    return Array.isArray(found) ? [...found] : found;
  };
  Object.defineProperty(fhirObjectPrototype, 'get', { value: memoGet, writable: true, configurable: true });
  Object.defineProperty(patientPrototype, 'findRecords', { value: memoFind, writable: true, configurable: true });
  Object.defineProperty(patientPrototype, MEMOIZED, { value: true });
}

/** Builds the factory (parses the model info once). */
export function createPatientSourceFactory(): PatientSourceFactory {
  const base = PatientSource.FHIRv401();
  const modelInfo: unknown = Reflect.get(base, '_modelInfo');
  const options: unknown = Reflect.get(base, '_patientSourceOptions');
  if (modelInfo === undefined) throw new Error('cql-exec-fhir: PatientSource has no _modelInfo (version changed?)');
  const prototype: object | null = Object.getPrototypeOf(base);
  const forBundle = (bundle: unknown): PatientSource => {
    const source: unknown = Object.create(prototype);
    if (!(source instanceof PatientSource)) throw new Error('cql-exec-fhir: unexpected PatientSource prototype');
    Object.assign(source, { _modelInfo: modelInfo, _patientSourceOptions: options, _bundles: [], _index: 0 });
    source.loadBundles([bundle]);
    return source;
  };
  // The Patient class is not exported: reach its prototype through a throwaway patient.
  const probe: unknown = forBundle({ resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Patient', id: 'probe' } }] })
    .currentPatient();
  const patientPrototype: unknown = typeof probe === 'object' && probe !== null ? Object.getPrototypeOf(probe) : undefined;
  if (typeof patientPrototype !== 'object' || patientPrototype === null) throw new Error('cql-exec-fhir: no Patient prototype');
  memoizeFhirReads(patientPrototype);
  return { forBundle, modelInfo };
}
