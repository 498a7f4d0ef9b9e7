/**
 * The CQL engine of the service: loads every compiled library (cql/*.elm.json) and the FHIR model info once, parses each
 * library once, and evaluates any library for one patient Bundle, returning plain values.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CodeService, Date as CqlDate, DateTime, Executor, type Library, Quantity, Repository } from 'cql-execution';
import { CdsError, internalError } from '../errors.js';
import { compiledLibraries, evaluateCompiled } from '../engine/compiled-engine.js';
import { valueSetExpansions } from '../pathway/value-sets.js';
import { installFastDistinct } from '../engine/runtime/distinct.js';
import { createPatientSourceFactory } from './patient-source.js';
import { toPlainResults, type PlainValue } from './plain.js';
import { createResultCache, resultKey, type ResultCache, type ResultCacheStats } from './result-cache.js';
import { cqlReads } from './pathway-reads.js';
import { createShapeGuard, type ShapeGuard } from './shape-guard.js';
import { isRecord } from '../shared/guards.js';

/** Default location of the compiled libraries: `cql/` at the project root. */
export const DEFAULT_ELM_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'cql');

/**
 * Name of the parameter through which every evaluated library receives "Now" as a date in the configured time zone
 * (PATHWAY.md §2). Declare it as `parameter "Today" System.Date` in a library that needs it.
 */
export const TODAY_PARAMETER = 'Today';

/** Options of one evaluation. */
export interface EvaluateOptions {
  /** The service clock: cql-execution's execution date-time (CQL `Now()`), and "Today" in the engine's time zone. */
  readonly now: Date;
  /**
   * Values of the evaluated library's own parameters (included libraries' parameters cannot be set). Plain numbers,
   * strings and booleans pass as they are; `{ value, unit }` becomes a System.Quantity; a JS Date a System.DateTime.
   */
  readonly parameters?: Readonly<Record<string, unknown>>;
}

/** Evaluates compiled CQL libraries for one patient at a time. */
export interface CqlEngine {
  /** Which engine evaluates (EngineKind). */
  readonly kind?: EngineKind;
  /** True once every library and the model info are loaded (the engine is usable). */
  readonly ready: boolean;
  /** Names of the loaded libraries. */
  readonly libraries: readonly string[];
  /** Every define of `libraryName` for the patient of `bundle`, as plain values (functions are skipped). */
  evaluate(libraryName: string, bundle: unknown, opts: EvaluateOptions): Promise<Record<string, PlainValue>>;
  /**
   * Checks FHIR resources against the model info this engine reads them with, strictly where the CQL reads: a field
   * the CQL reads that does not fit makes the resource unusable (PATHWAY.md §2 "Unreadable data": the data path drops
   * it and marks its type unreadable); any other field that does not fit is dropped from the resource.
   */
  readonly shapeGuard: ShapeGuard;
  /** Hits and misses of the result cache (absent on engines without one). */
  readonly cacheStats?: () => ResultCacheStats;
}

/** Engine construction options. */
export interface CqlEngineOptions {
  /** Directory holding the `*.elm.json` files. */
  readonly elmDir?: string;
  /** IANA time zone in which "Now" is a date (config.timeZone). */
  readonly timeZone?: string;
  /**
   * Results kept in the LRU keyed on the exact input (src/cql/result-cache.ts); 0 turns caching off. Default 256
   * (a few MB: one entry is the plain result of one library for one patient).
   */
  readonly resultCacheSize?: number;
  /** Called after each evaluation (not for cache hits) with the library's name and the time it took (metrics). */
  readonly onEvaluated?: (library: string, seconds: number) => void;
  /** A result cache to use instead of the in-process LRU (the Redis one of src/shared-state/, shared by replicas). */
  readonly resultCache?: ResultCache<Record<string, PlainValue>>;
  /**
   * Expansions of the value sets the libraries declare, as cql-execution's CodeService takes them
   * (`{ url: { version: [{ system, code }] } }`). Default: the pathway's (src/pathway/value-sets.ts).
   */
  readonly valueSets?: Record<string, Record<string, { system: string; code: string }[]>>;
  /**
   * Default `compiled` for the committed ELM (`npm run build:cql` keeps the compiled modules in step with it); an engine
   * over another ELM directory (tests of ad-hoc libraries) interprets, since only the committed ELM is compiled.
   */
  readonly engine?: EngineKind;
}

/**
 * Which engine evaluates: `compiled` (src/engine/compiled/, the ELM compiled at build time; proven identical by
 * test/integration/engine/engine-diff.test.ts) or `interpreter` (cql-execution over the ELM, the reference).
 */
export type EngineKind = 'compiled' | 'interpreter';

/** Default size of the result cache. */
export const DEFAULT_RESULT_CACHE_SIZE = 256;

/** True when an ELM tree reads the clock below the day (CQL Now() or TimeOfDay()). */
function readsTimeOfDay(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(readsTimeOfDay);
  if (!isRecord(node)) return false;
  if (node.type === 'Now' || node.type === 'TimeOfDay') return true;
  return Object.entries(node).some(([key, value]) => key !== 'annotation' && readsTimeOfDay(value));
}

function libraryIdOf(elm: unknown): { id: string; version: string | undefined } {
  const identifier = isRecord(elm) && isRecord(elm.library) ? elm.library.identifier : undefined;
  if (!isRecord(identifier) || typeof identifier.id !== 'string') throw new Error('ELM without library.identifier.id');
  return { id: identifier.id, version: typeof identifier.version === 'string' ? identifier.version : undefined };
}

/** The calendar date of `now` in `timeZone`, as a CQL Date. */
export function todayIn(now: Date, timeZone: string): CqlDate {
  // Formatting costs more than an evaluation's worth of small work; a zone's date only changes on a minute boundary.
  const minute = Math.floor(now.getTime() / 60_000);
  const last = lastDay.get(timeZone);
  if (last !== undefined && last.minute === minute) return new CqlDate(last.year, last.month, last.day);
  const parts = dayFormatter(timeZone).formatToParts(now);
  const part = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const day = { minute, year: part('year'), month: part('month'), day: part('day') };
  lastDay.set(timeZone, day);
  return new CqlDate(day.year, day.month, day.day);
}
const lastDay = new Map<string, { minute: number; year: number; month: number; day: number }>();

/**
 * The day part of a result-cache key: "Today" in `timeZone` and the UTC date (CQL Today()), made once per minute
 * (either date only changes on a minute boundary) instead of on every request.
 */
function dayKeyIn(timeZone: string): (now: Date) => string {
  let minute = Number.NaN;
  let key = '';
  return (now) => {
    const m = Math.floor(now.getTime() / 60_000);
    if (m !== minute) {
      key = `${todayIn(now, timeZone).toString()}|${now.toISOString().slice(0, 10)}`;
      minute = m;
    }
    return key;
  };
}

// Building an Intl.DateTimeFormat costs more than formatting with it: one per time zone, made once.
const dayFormatters = new Map<string, Intl.DateTimeFormat>();
function dayFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = dayFormatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormatters.set(timeZone, f);
  }
  return f;
}

function toCqlParameter(v: unknown): unknown {
  if (v instanceof Date) return DateTime.fromJSDate(v, 0);
  if (isRecord(v) && typeof v.value === 'number' && typeof v.unit === 'string') return new Quantity(v.value, v.unit);
  return v;
}

/** An entry of the in-process result cache: the raw values, or (when they hold FHIR values) the plain ones. */
interface CachedResults {
  readonly raw?: Readonly<Record<string, unknown>>;
  readonly plain?: Record<string, PlainValue>;
}

/** Creates the engine, reading every `*.elm.json` of the ELM directory once. */
export function createCqlEngine(options: CqlEngineOptions = {}): CqlEngine {
  const elmDir = options.elmDir ?? DEFAULT_ELM_DIR;
  const kind: EngineKind = options.engine ?? (options.elmDir === undefined ? 'compiled' : 'interpreter');
  const timeZone = options.timeZone ?? 'UTC';
  const elms: Record<string, unknown> = {};
  for (const file of readdirSync(elmDir)
    .filter((f) => f.endsWith('.elm.json'))
    .sort()) {
    const elm: unknown = JSON.parse(readFileSync(join(elmDir, file), 'utf8'));
    elms[libraryIdOf(elm).id] = elm;
  }
  const repository = new Repository(elms);
  const codeService = new CodeService(options.valueSets ?? valueSetExpansions());
  const libraries = new Map<string, Library>();
  const parameterNames = new Map<string, ReadonlySet<string>>();
  for (const [name, elm] of Object.entries(elms)) {
    const library = repository.resolve(name, libraryIdOf(elm).version);
    if (library === undefined) throw new Error(`CQL library ${name} could not be resolved`);
    libraries.set(name, library);
    parameterNames.set(name, new Set(Object.keys(library.parameters)));
  }
  installFastDistinct();
  const sources = createPatientSourceFactory();
  if (typeof sources.modelInfo !== 'object' || sources.modelInfo === null)
    throw new Error('cql-exec-fhir: no model info');
  // Strict where the CQL reads, tolerant elsewhere: the reads come from the same ELM the engine runs.
  const shapeGuard = createShapeGuard(sources.modelInfo, cqlReads(Object.values(elms), sources.modelInfo));
  const cacheSize = options.resultCacheSize ?? DEFAULT_RESULT_CACHE_SIZE;
  // The in-process LRU keeps an evaluation's raw CQL values (never changed: each caller converts them to new plain
  // values), so a cold request converts its result once and copies nothing; a result holding FHIR values (they point
  // into the request's Bundle) is kept as plain values, copied per caller, as a shared cache's are.
  const lru = options.resultCache === undefined ? createResultCache<CachedResults>(cacheSize, (v) => v) : undefined;
  const caching = options.resultCache !== undefined || cacheSize > 0;
  // The clock part of the cache key: the day, unless some library reads the time of day (then the instant).
  const clockOfKey = Object.values(elms).some(readsTimeOfDay)
    ? (now: Date): string => now.toISOString()
    : dayKeyIn(timeZone);

  if (kind === 'compiled') {
    const missing = [...libraries.keys()].filter((name) => !compiledLibraries.includes(name));
    if (missing.length > 0)
      throw new Error(`ENGINE=compiled: no compiled module for ${missing.join(', ')} (run npm run build:cql)`);
  }

  /** Every define's raw CQL value (cql-execution's datatypes; FHIR values as the engine reads them). */
  async function run(
    name: string,
    library: Library,
    parameters: Record<string, unknown>,
    bundle: unknown,
    now: Date,
  ): Promise<Record<string, unknown>> {
    try {
      if (kind === 'compiled') {
        return evaluateCompiled(name, bundle, parameters, DateTime.fromJSDate(now, 0), codeService);
      }
      // An Executor holds its parameters, and "Today" differs per call: one (cheap) Executor per call over the shared,
      // parsed Library keeps concurrent evaluations apart.
      const results = await new Executor(library, codeService, parameters).exec(
        sources.forBundle(bundle),
        DateTime.fromJSDate(now, 0),
      );
      const patientResults: unknown = results.patientResults;
      const first = isRecord(patientResults) ? Object.values(patientResults)[0] : undefined;
      return isRecord(first) ? first : {};
    } catch (err) {
      if (err instanceof CdsError) throw err;
      throw new CdsError(internalError(), { cause: err });
    }
  }

  return {
    kind,
    ready: true,
    libraries: [...libraries.keys()].sort(),
    shapeGuard,
    async evaluate(libraryName, bundle, opts) {
      const library = libraries.get(libraryName);
      const declared = parameterNames.get(libraryName);
      if (library === undefined || declared === undefined) {
        throw new CdsError(internalError(), { cause: new Error(`Unknown CQL library ${libraryName}`) });
      }
      const parameters: Record<string, unknown> = {};
      if (declared.has(TODAY_PARAMETER)) parameters[TODAY_PARAMETER] = todayIn(opts.now, timeZone);
      for (const [key, value] of Object.entries(opts.parameters ?? {})) {
        if (!declared.has(key)) {
          throw new CdsError(internalError(), { cause: new Error(`${libraryName} has no parameter ${key}`) });
        }
        parameters[key] = toCqlParameter(value);
      }
      const evaluate = async (): Promise<Record<string, unknown>> => {
        const started = performance.now();
        try {
          return await run(libraryName, library, parameters, bundle, opts.now);
        } finally {
          options.onEvaluated?.(libraryName, (performance.now() - started) / 1000);
        }
      };
      // Without a cache the key (serializing and hashing the whole Bundle) would be pure cost.
      if (!caching) {
        // Still through the LRU (of size 0): it counts the evaluation as a miss.
        const entry = await lru!.getOrCompute('', async () => ({ raw: await evaluate() }));
        return toPlainResults(entry.raw!).plain;
      }
      // Today's date (both the configured zone's "Today" and CQL Today() in UTC) is part of the input.
      const key = resultKey([libraryName, clockOfKey(opts.now), opts.parameters ?? {}, bundle]);
      if (options.resultCache !== undefined)
        return options.resultCache.getOrCompute(key, async () => toPlainResults(await evaluate()).plain);
      // The caller whose evaluation fills the entry takes the plain values converted for it; every other caller (a hit,
      // or a concurrent request for the same key) converts its own from the entry.
      let own: Record<string, PlainValue> | undefined;
      const entry = await lru!.getOrCompute(key, async (): Promise<CachedResults> => {
        const raw = await evaluate();
        const { plain, heldFhirValue } = toPlainResults(raw);
        own = plain;
        if (heldFhirValue) return { plain: structuredClone(plain) };
        // Not kept: the patient's resource (never read as a value).
        if ('Patient' in raw) raw.Patient = null;
        return { raw };
      });
      if (own !== undefined) return own;
      return entry.raw !== undefined ? toPlainResults(entry.raw).plain : structuredClone(entry.plain!);
    },
    cacheStats: () => (options.resultCache ?? lru!).stats(),
  };
}
