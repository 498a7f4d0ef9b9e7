/**
 * The differential harness of the two engines (issue 14): evaluates every define of every library with cql-execution
 * (the reference interpreter, set up exactly as src/cql/engine.ts sets it up) and with the compiled libraries
 * (src/engine/compiled/), and compares the results deeply: type, value and precision of every DateTime, Date,
 * Interval, Quantity, Code, Concept, tuple, list and FHIR element. Used by test/integration/engine/engine-diff.test.ts
 * (CI; `npm run test:engine-diff` runs it with more random patients).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle } from 'fhir/r4.js';
import {
  Code,
  CodeService,
  Concept,
  Date as CqlDate,
  DateTime,
  Executor,
  Interval,
  Quantity,
  Repository,
  type Library,
} from 'cql-execution';
import { DEFAULT_THRESHOLDS } from '../../src/config.js';
import { DEFAULT_ELM_DIR, todayIn } from '../../src/cql/engine.js';
import { installFastDistinct } from '../../src/engine/runtime/distinct.js';
import { createPatientSourceFactory } from '../../src/cql/patient-source.js';
import { pathwayParameters } from '../../src/cql/pathway.js';
import { hoistContainedMedications } from '../../src/cql/contained-medications.js';
import { compiledLibraries, compiledParameterNames, evaluateCompiled } from '../../src/engine/compiled-engine.js';
import { FhirValue, UnsetParameter } from '../../src/engine/runtime/index.js';
import { valueSetExpansions } from '../../src/pathway/value-sets.js';

/** The libraries compared: every compiled one (StsPathway, StsOrders and all they include). */
export const DIFF_LIBRARIES: readonly string[] = compiledLibraries;

/** One evaluation's inputs. */
export interface DiffCase {
  readonly label: string;
  readonly bundle: Bundle;
  readonly now: Date;
  readonly unreadable?: readonly string[];
  readonly draftOrderIds?: readonly string[];
  readonly drafts?: readonly { id: string; drug: string; liposomal: boolean }[];
}

/** One define whose results differ. */
export interface Difference {
  readonly library: string;
  readonly define: string;
  readonly interpreter: string;
  readonly compiled: string;
}

/**
 * A canonical, typed description of a CQL value from either engine: equal descriptions mean the consumer cannot tell
 * the values apart. null and undefined are one (the engine's plain results make both null).
 */
export function describeValue(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'number':
      return ['Number', Number.isNaN(v) ? 'NaN' : v];
    case 'string':
      return ['String', v];
    case 'boolean':
      return ['Boolean', v];
    case 'object':
      break;
    default:
      // A bigint, symbol or function here (each has its own toString); the rule cannot narrow `unknown` by typeof.
      // eslint-disable-next-line @typescript-eslint/no-base-to-string
      return ['JS', typeof v, String(v)];
  }
  if (Array.isArray(v)) return ['List', v.map(describeValue)];
  if (v instanceof DateTime) return ['DateTime', v.toString(), v.timezoneOffset ?? null];
  if (v instanceof CqlDate) return ['Date', v.toString()];
  if (v instanceof Quantity) return ['Quantity', v.value, v.unit];
  if (v instanceof Code) return ['Code', v.code ?? null, v.system ?? null, v.version ?? null, v.display ?? null];
  if (v instanceof Concept) return ['Concept', describeValue(v.codes), v.display ?? null];
  if (v instanceof Interval)
    return ['Interval', describeValue(v.low), describeValue(v.high), v.lowClosed ?? null, v.highClosed ?? null];
  if (v instanceof FhirValue) return ['FHIR', v.typeInfo?.name ?? null, v.json];
  if (v instanceof UnsetParameter) return ['UnsetParameter', v.name];
  const o = v as any;
  if (typeof o.getTypeInfo === 'function') return ['FHIR', o.getTypeInfo()?.name ?? null, o._json];
  if (o.constructor?.name === 'ParameterDef') return ['UnsetParameter', o.name];
  if (o.isUncertainty) return ['Uncertainty', describeValue(o.low), describeValue(o.high)];
  if (Object.getPrototypeOf(v) === Object.prototype) {
    return [
      'Tuple',
      Object.keys(o)
        .sort()
        .map((k) => [k, describeValue(o[k])]),
    ];
  }
  // Any other class: its own toString when it has one ("[object Object]" still tells the two sides apart by class).
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  return ['Object', o.constructor?.name ?? null, String(v)];
}

interface Reference {
  readonly libraries: Map<string, Library>;
  readonly parameters: Map<string, ReadonlySet<string>>;
  readonly codeService: CodeService;
  readonly sources: ReturnType<typeof createPatientSourceFactory>;
}

let reference: Reference | undefined;

/** cql-execution over the committed ELM, with the service's patient source, code service and distinct. */
function referenceEngine(): Reference {
  if (reference !== undefined) return reference;
  const elms: Record<string, any> = {};
  for (const file of readdirSync(DEFAULT_ELM_DIR).filter((f) => f.endsWith('.elm.json'))) {
    const elm = JSON.parse(readFileSync(join(DEFAULT_ELM_DIR, file), 'utf8'));
    elms[elm.library.identifier.id] = elm;
  }
  const repository = new Repository(elms);
  const libraries = new Map<string, Library>();
  const parameters = new Map<string, ReadonlySet<string>>();
  for (const [name, elm] of Object.entries(elms)) {
    const lib = repository.resolve(name, elm.library.identifier.version);
    if (lib === undefined) throw new Error(`cannot resolve ${name}`);
    libraries.set(name, lib);
    parameters.set(name, new Set(Object.keys(lib.parameters)));
  }
  installFastDistinct();
  reference = {
    libraries,
    parameters,
    codeService: new CodeService(valueSetExpansions()),
    sources: createPatientSourceFactory(),
  };
  return reference;
}

function toCqlParameter(v: unknown): unknown {
  if (v instanceof Date) return DateTime.fromJSDate(v, 0);
  if (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as any).value === 'number' &&
    typeof (v as any).unit === 'string'
  ) {
    return new Quantity((v as any).value, (v as any).unit);
  }
  return v;
}

/** The parameters the service passes (src/cql/pathway.ts), restricted to those the library declares, as CQL values. */
export function parametersFor(c: DiffCase, declared: ReadonlySet<string>): Record<string, unknown> {
  const unreadable = new Map((c.unreadable ?? []).map((t) => [t, 'unreadable in this test']));
  const all: Record<string, unknown> = {
    ...pathwayParameters(
      { bundle: c.bundle, unreadable },
      {
        now: c.now,
        thresholds: DEFAULT_THRESHOLDS,
        timeZone: 'UTC',
        draftOrderIds: c.draftOrderIds ?? [],
      },
    ),
    Drafts: c.drafts ?? [],
    Today: todayIn(c.now, 'UTC'),
  };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(all)) if (declared.has(k)) out[k] = toCqlParameter(v);
  return out;
}

type Outcome = { ok: true; values: Record<string, unknown> } | { ok: false; error: string };

async function runInterpreter(
  library: string,
  bundle: Bundle,
  params: Record<string, unknown>,
  now: Date,
): Promise<Outcome> {
  const ref = referenceEngine();
  try {
    const results = await new Executor(ref.libraries.get(library)!, ref.codeService, params).exec(
      ref.sources.forBundle(bundle),
      DateTime.fromJSDate(now, 0),
    );
    // Defines of a library without `context Patient` are Unfiltered: the Executor reports them apart.
    const first = Object.values(results.patientResults as Record<string, Record<string, unknown>>)[0] ?? {};
    return { ok: true, values: { ...(results.unfilteredResults as Record<string, unknown>), ...first } };
  } catch (err) {
    return { ok: false, error: String(err instanceof Error ? err.message : err) };
  }
}

function runCompiled(library: string, bundle: Bundle, params: Record<string, unknown>, now: Date): Outcome {
  try {
    return {
      ok: true,
      values: evaluateCompiled(library, bundle, params, DateTime.fromJSDate(now, 0), referenceEngine().codeService),
    };
  } catch (err) {
    return { ok: false, error: String(err instanceof Error ? err.message : err) };
  }
}

const show = (v: unknown): string => JSON.stringify(describeValue(v));

/** Every define of every library for one case, by both engines; the defines whose results differ. */
export async function diffCase(c: DiffCase, libraries: readonly string[] = DIFF_LIBRARIES): Promise<Difference[]> {
  return diffCaseWith(c, c.bundle, libraries);
}

/** As diffCase, the compiled engine reading `compiledBundle` instead (to show the harness catches a difference). */
export async function diffCaseWith(
  c: DiffCase,
  compiledBundle: Bundle,
  libraries: readonly string[] = DIFF_LIBRARIES,
): Promise<Difference[]> {
  const ref = referenceEngine();
  const bundle = hoistContainedMedications(c.bundle);
  const other = compiledBundle === c.bundle ? bundle : hoistContainedMedications(compiledBundle);
  const out: Difference[] = [];
  for (const library of libraries) {
    const declared = new Set(compiledParameterNames(library));
    const expected = ref.parameters.get(library);
    if (expected === undefined || [...expected].some((p) => !declared.has(p))) {
      out.push({
        library,
        define: '(parameters)',
        interpreter: [...(expected ?? [])].join(','),
        compiled: [...declared].join(','),
      });
      continue;
    }
    const params = parametersFor(c, declared);
    const a = await runInterpreter(library, bundle, params, c.now);
    const b = runCompiled(library, other, params, c.now);
    if (!a.ok || !b.ok) {
      if (a.ok !== b.ok) {
        out.push({
          library,
          define: '(evaluation)',
          interpreter: a.ok ? 'ok' : `error: ${a.error}`,
          compiled: b.ok ? 'ok' : `error: ${b.error}`,
        });
      }
      continue;
    }
    const names = new Set([...Object.keys(a.values), ...Object.keys(b.values)]);
    for (const define of names) {
      const x = show(a.values[define]);
      const y = show(b.values[define]);
      if (x !== y) out.push({ library, define, interpreter: x, compiled: y });
    }
  }
  return out;
}

/** A readable report of the differences of one case (the bundle included, so the case can be replayed). */
export function formatDifferences(c: DiffCase, diffs: readonly Difference[], max = 5): string {
  const head = diffs
    .slice(0, max)
    .map(
      (d) =>
        `  ${d.library} "${d.define}"\n    interpreter: ${d.interpreter.slice(0, 1500)}\n    compiled:    ${d.compiled.slice(0, 1500)}`,
    );
  return `${c.label} (now ${c.now.toISOString()}, unreadable ${JSON.stringify(c.unreadable ?? [])}): ${diffs.length} difference(s)\n${head.join('\n')}\n  bundle: ${JSON.stringify(c.bundle).slice(0, 20000)}`;
}
