/**
 * Per-evaluation FHIR patient sources sharing one parsed FHIR 4.0.1 model info.
 *
 * `PatientSource.FHIRv401()` parses a 760 KB model info on every call (60-110 ms). cql-exec-fhir 2.2.0 has no public
 * way to share it, so one base source is built at start and every evaluation gets a fresh
 * object with the base's prototype and `_modelInfo`, and its own `_bundles`/`_index`: a source is never shared between
 * concurrent evaluations (loading appends, the index moves). This leans on private fields of the pinned version and is
 * covered by test/unit/cql/patient-source.test.ts.
 *
 * Speed (bench/profile.md): reading a FHIR property wraps the JSON in a new FHIRObject every time (the constructor
 * defines a getter per element of the type hierarchy), and every `[Observation]` retrieve wraps every Observation
 * again; that was a quarter of an evaluation. `memoizeFhirReads` makes both happen once per resource and evaluation.
 * Reading a FHIR dateTime parses its string (a regex and a luxon parse, 4 % of an evaluation), and every wrapper looks
 * up its type's base classes by name: `memoizeDateTimeParse` and `memoizeFindClass` remember both across evaluations.
 */
import { PatientSource } from 'cql-exec-fhir';
import { DateTime } from 'cql-execution';

/** Creates fresh patient sources for single bundles, all sharing one parsed model info. */
export interface PatientSourceFactory {
  forBundle(bundle: unknown): PatientSource;
  /** The shared parsed model info (cql-exec-fhir's ModelInfo), for readers of the same model (src/cql/shape-guard.ts). */
  readonly modelInfo: unknown;
}

type Getter = (this: object, field: string) => unknown;
type FindRecords = (this: object, profile: string, details?: { datatype?: string }) => unknown;

const MEMOIZED = Symbol.for('sts-pathway-cds.memoized-fhir-reads');
const READS = Symbol('sts-pathway-cds.fhir-reads');
// A cached read whose value is undefined (an absent element).
const ABSENT = Symbol('absent');

/** The read cache of one FHIR wrapper, created on its first read. */
function readsOf(wrapper: object): Map<string, unknown> {
  const existing: unknown = Reflect.get(wrapper, READS);
  // Only this module sets the property, always to a Map<string, unknown>.
  if (existing instanceof Map) return existing as Map<string, unknown>;
  const created = new Map<string, unknown>();
  Object.defineProperty(wrapper, READS, { value: created });
  return created;
}

/**
 * `original(field)` read once per wrapper: the cache hangs off the wrapper itself (a hidden, non-enumerable property:
 * invisible to key listings and JSON), keyed `prefix + field`, and one Map lookup answers a hit.
 */
function memoizedReader(original: Getter, prefix: string): Getter {
  return function (this: object, field: string): unknown {
    const reads = readsOf(this);
    const key = prefix + field;
    const hit = reads.get(key);
    if (hit !== undefined) return hit === ABSENT ? undefined : hit;
    const value = original.call(this, field);
    reads.set(key, value === undefined ? ABSENT : value);
    return value;
  };
}

/**
 * Memoizes, per wrapped object, FHIRObject `get(field)` and `getCode(field)` and Patient `findRecords(type)`: all are
 * pure functions of the (never mutated) Bundle JSON, so a repeated read returns the same wrapper instead of building a
 * new one. The caches hang off the wrappers, which live as long as one evaluation. Installed once per process.
 */
function memoizeFhirReads(patientPrototype: object): void {
  if (Reflect.get(patientPrototype, MEMOIZED) === true) return;
  const fhirObjectPrototype: unknown = Object.getPrototypeOf(patientPrototype);
  const get: unknown =
    typeof fhirObjectPrototype === 'object' && fhirObjectPrototype !== null
      ? Reflect.get(fhirObjectPrototype, 'get')
      : undefined;
  const findRecords: unknown = Reflect.get(patientPrototype, 'findRecords');
  if (
    typeof fhirObjectPrototype !== 'object' ||
    fhirObjectPrototype === null ||
    typeof get !== 'function' ||
    typeof findRecords !== 'function'
  ) {
    throw new Error('cql-exec-fhir: FHIRObject.get / Patient.findRecords not found (version changed?)');
  }
  // Every FHIR property read of an evaluation passes here.
  const memoGet = memoizedReader(get as Getter, '');
  // `getCode(field)` is what a retrieve's value-set filter reads from every resource of the type (cql-execution's
  // Retrieve), once per retrieve: it converts the element to CQL Codes each time. Same purity, same cache, under keys
  // that cannot collide with an element name.
  const getCode: unknown = Reflect.get(fhirObjectPrototype, 'getCode');
  if (typeof getCode !== 'function') throw new Error('cql-exec-fhir: FHIRObject.getCode not found (version changed?)');
  const memoGetCode = memoizedReader(getCode as Getter, '\u0000code:');
  const records = new WeakMap<object, Map<string, unknown>>();
  const originalFind = findRecords as FindRecords;
  const memoFind: FindRecords = function (this: object, profile: string, details?: { datatype?: string }): unknown {
    const key = `${profile}|${details?.datatype ?? ''}`;
    let cache = records.get(this);
    if (cache === undefined) {
      cache = new Map();
      records.set(this, cache);
    }
    let found: unknown = cache.get(key);
    if (found === undefined) {
      found = originalFind.call(this, profile, details);
      cache.set(key, found);
    }
    // A copy: the engine filters the list it gets; the cached one must stay whole.
    return Array.isArray(found) ? found.slice() : found;
  };
  Object.defineProperty(fhirObjectPrototype, 'get', { value: memoGet, writable: true, configurable: true });
  Object.defineProperty(fhirObjectPrototype, 'getCode', { value: memoGetCode, writable: true, configurable: true });
  Object.defineProperty(patientPrototype, 'findRecords', { value: memoFind, writable: true, configurable: true });
  Object.defineProperty(patientPrototype, MEMOIZED, { value: true });
}

type DateTimeArgs = readonly (number | null | undefined)[];
// Bounded in entries and bytes: strings come from requests. A FHIR dateTime is at most 35 characters
// ("2026-11-23T10:00:00.123456789+05:00"); longer strings are parsed every time, never kept.
const DATETIME_MEMO_MAX = 10_000;
const DATETIME_MEMO_MAX_LENGTH = 40;
// cql-execution 3.3.2 DateTime.parse's own pattern.
const DATETIME_PATTERN =
  /(\d{4})(-(\d{2}))?(-(\d{2}))?(T((\d{2})(:(\d{2})(:(\d{2})(\.(\d+))?)?)?)?(Z|(([+-])(\d{2})(:?(\d{2}))?))?)?/;
const PARSE_MEMOIZED = Symbol.for('sts-pathway-cds.memoized-datetime-parse');

/**
 * Memoizes cql-execution's `DateTime.parse` by string: the parse is a pure function of its string, so the fields it
 * found are kept, and each call still gets a new DateTime from them (never a shared object; the constructor runs as
 * before, including its default time-zone offset for a string without one). Bounded: strings up to 40 characters,
 * cleared when full. Once per process.
 */
function memoizeDateTimeParse(): void {
  if (Reflect.get(DateTime, PARSE_MEMOIZED) === true) return;
  const originalParse = DateTime.parse.bind(DateTime);
  const fields = new Map<string, DateTimeArgs | null>();
  const memoParse = (text: string): DateTime | null => {
    if (typeof text !== 'string' || text.length > DATETIME_MEMO_MAX_LENGTH) return originalParse(text);
    let args = fields.get(text);
    if (args === undefined) {
      const parsed = originalParse(text);
      // The original passes an offset only when the string has one (its regex, groups 15 and 18); without, the
      // constructor picks the default: leave it to the constructor here too.
      const m = DATETIME_PATTERN.exec(text);
      const offset = m !== null && (m[18] !== undefined || m[15] === 'Z') ? [parsed?.timezoneOffset] : [];
      args =
        parsed === null
          ? null
          : [
              parsed.year,
              parsed.month,
              parsed.day,
              parsed.hour,
              parsed.minute,
              parsed.second,
              parsed.millisecond,
              ...offset,
            ];
      if (fields.size >= DATETIME_MEMO_MAX) fields.clear();
      fields.set(text, args);
    }
    return args === null ? null : new DateTime(...args);
  };
  Object.defineProperty(DateTime, 'parse', { value: memoParse, writable: true, configurable: true });
  Object.defineProperty(DateTime, PARSE_MEMOIZED, { value: true });
}

/** Found names kept at most: the model's classes under their few spellings (`Patient`, `FHIR.Patient`, ...). */
const CLASS_MEMO_MAX = 5_000;

/**
 * Memoizes `findClass(name)` of the shared, never-changing model info (every FHIR wrapper walks its base classes).
 * Only names the model knows are kept: the names come from requests (`resourceType`), and a miss costs a few Map
 * lookups, so junk never grows the cache (issue 15 item 3).
 */
function memoizeFindClass(modelInfo: object): void {
  const findClass: unknown = Reflect.get(modelInfo, 'findClass');
  if (typeof findClass !== 'function')
    throw new Error('cql-exec-fhir: ModelInfo.findClass not found (version changed?)');
  const classes = new Map<string, unknown>();
  const memoFind = function (this: object, name: string): unknown {
    const hit = classes.get(name);
    if (hit !== undefined) return hit;
    const found: unknown = Reflect.apply(findClass, this, [name]);
    if (found !== undefined && found !== null && classes.size < CLASS_MEMO_MAX) classes.set(name, found);
    return found;
  };
  Object.defineProperty(modelInfo, 'findClass', { value: memoFind, writable: true, configurable: true });
}

/** Builds the factory (parses the model info once). */
export function createPatientSourceFactory(): PatientSourceFactory {
  const base = PatientSource.FHIRv401();
  const modelInfo: unknown = Reflect.get(base, '_modelInfo');
  const options: unknown = Reflect.get(base, '_patientSourceOptions');
  if (typeof modelInfo !== 'object' || modelInfo === null)
    throw new Error('cql-exec-fhir: PatientSource has no _modelInfo (version changed?)');
  memoizeFindClass(modelInfo);
  memoizeDateTimeParse();
  const prototype: object | null = Reflect.getPrototypeOf(base);
  const forBundle = (bundle: unknown): PatientSource => {
    const source: unknown = Object.create(prototype);
    if (!(source instanceof PatientSource)) throw new Error('cql-exec-fhir: unexpected PatientSource prototype');
    Object.assign(source, { _modelInfo: modelInfo, _patientSourceOptions: options, _bundles: [], _index: 0 });
    source.loadBundles([bundle]);
    return source;
  };
  // The Patient class is not exported: reach its prototype through a throwaway patient.
  const probe: unknown = forBundle({
    resourceType: 'Bundle',
    type: 'collection',
    entry: [{ resource: { resourceType: 'Patient', id: 'probe' } }],
  }).currentPatient();
  const patientPrototype: unknown =
    typeof probe === 'object' && probe !== null ? Object.getPrototypeOf(probe) : undefined;
  if (typeof patientPrototype !== 'object' || patientPrototype === null)
    throw new Error('cql-exec-fhir: no Patient prototype');
  memoizeFhirReads(patientPrototype);
  return { forBundle, modelInfo };
}
