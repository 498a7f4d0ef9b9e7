/**
 * CQL -> ELM JSON with the official translator (@cqframework/cql 5.3.0), used at build time by scripts/build-cql.ts
 * and by tests. Each quirk of the translator is explained where it is handled.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  CqlCompilerOptions,
  CqlTranslator,
  LibraryManager,
  ModelManager,
  createLibrarySourceProvider,
  createModelInfoProvider,
  createUcumService,
  stringAsSource,
} from '@cqframework/cql/cql-to-elm';
import { SystemModelInfoProvider } from '@cqframework/cql/cql';

const require = createRequire(import.meta.url);

/** The translator's Source of a text (a Kotlin type its declarations leave as `any`). */
const sourceOf = (text: string): unknown => stringAsSource(text);

/** One translator message, positioned in its source. */
export interface CqlMessage {
  readonly library: string;
  readonly severity: 'error' | 'warning';
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly message: string;
}

/** Result of translating one library: its ELM (as a JSON value with sorted keys) and its messages. */
export interface TranslationResult {
  readonly elm: unknown;
  readonly messages: readonly CqlMessage[];
}

/** A translator over a set of CQL sources, which may include each other by name. */
export interface CqlTranslatorSession {
  translate(libraryName: string): TranslationResult;
}

interface UcumUtils {
  validateUnitString(unit: string, suggest?: boolean): { status: string; msg?: string[] };
}

function isUcumUtils(v: unknown): v is UcumUtils {
  return typeof v === 'object' && v !== null && typeof Reflect.get(v, 'validateUnitString') === 'function';
}

function loadUcum(): UcumUtils {
  const pkg: unknown = require('@lhncbc/ucum-lhc');
  const utilsClass: unknown = typeof pkg === 'object' && pkg !== null ? Reflect.get(pkg, 'UcumLhcUtils') : undefined;
  const getInstance: unknown = typeof utilsClass === 'function' ? Reflect.get(utilsClass, 'getInstance') : undefined;
  const utils: unknown = typeof getInstance === 'function' ? Reflect.apply(getInstance, utilsClass, []) : undefined;
  if (!isUcumUtils(utils)) throw new Error('@lhncbc/ucum-lhc: UcumLhcUtils.getInstance() not found');
  return utils;
}

/** Path of the FHIR 4.0.1 model info shipped with cql-exec-fhir (the same model info the engine uses). */
export const FHIR_MODEL_INFO_PATH = require.resolve('cql-exec-fhir/lib/modelInfos/fhir-modelinfo-4.0.1.xml');

function compilerOptions(): CqlCompilerOptions {
  const options = new CqlCompilerOptions();
  // Locators let build errors and runtime traces point at file:line; annotations would bloat the ELM with source text.
  options.setOptions([
    CqlCompilerOptions.Options.EnableLocators,
    CqlCompilerOptions.Options.EnableResultTypes,
    CqlCompilerOptions.Options.DisableListDemotion,
    CqlCompilerOptions.Options.DisableListPromotion,
  ]);
  options.validateUnits = true;
  return options;
}

/** Recursively sorts object keys so the same ELM always serialises to the same text (`--check` compares text). */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys(Reflect.get(value, key));
    return out;
  }
  return value;
}

function toNumber(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

/** Reads the translator's messages from the ELM `annotation[]` (the exception objects' locator fields are mangled). */
function messagesOf(library: string, elm: unknown): CqlMessage[] {
  const lib: unknown = typeof elm === 'object' && elm !== null ? Reflect.get(elm, 'library') : undefined;
  const annotations: unknown = typeof lib === 'object' && lib !== null ? Reflect.get(lib, 'annotation') : undefined;
  if (!Array.isArray(annotations)) return [];
  const out: CqlMessage[] = [];
  for (const a of annotations as unknown[]) {
    if (typeof a !== 'object' || a === null || Reflect.get(a, 'type') !== 'CqlToElmError') continue;
    const errorSeverity = String(Reflect.get(a, 'errorSeverity') ?? 'error');
    out.push({
      library: String(Reflect.get(a, 'libraryId') ?? library),
      severity: errorSeverity === 'warning' || errorSeverity === 'info' ? 'warning' : 'error',
      line: toNumber(Reflect.get(a, 'startLine')),
      column: toNumber(Reflect.get(a, 'startChar')),
      message: String(Reflect.get(a, 'message') ?? 'unknown translator message'),
    });
  }
  return out;
}

/**
 * Creates a translator session over `sources` (library name -> CQL text). Model info, UCUM and the included
 * libraries are loaded once per session, so translating several libraries costs one warm-up.
 */
export function createTranslatorSession(sources: ReadonlyMap<string, string>): CqlTranslatorSession {
  const fhirModelInfo = readFileSync(FHIR_MODEL_INFO_PATH, 'utf8');
  const modelManager = new ModelManager();
  modelManager.modelInfoLoader.registerModelInfoProvider(new SystemModelInfoProvider());
  modelManager.modelInfoLoader.registerModelInfoProvider(
    // The callback must return a Source: a plain string fails with a cryptic TypeError; an exception here escapes fromText.
    createModelInfoProvider((name, version) =>
      name === 'FHIR' && (version === null || version === '4.0.1') ? sourceOf(fhirModelInfo) : null,
    ),
  );
  const ucum = loadUcum();
  const ucumService: unknown = createUcumService(
    (value) => value,
    (unit) => {
      const r = ucum.validateUnitString(unit, false);
      return r.status === 'valid' ? null : (r.msg?.join('; ') ?? `invalid UCUM unit '${unit}'`);
    },
    (a) => a,
    (a) => a,
  );
  const libraryManager = new LibraryManager(modelManager, compilerOptions(), null, ucumService);
  libraryManager.librarySourceLoader.registerProvider(
    createLibrarySourceProvider((name) => {
      const text = sources.get(name);
      return text === undefined ? null : sourceOf(text);
    }),
  );

  return {
    translate(libraryName: string): TranslationResult {
      const text = sources.get(libraryName);
      if (text === undefined) throw new Error(`No CQL source for library ${libraryName}`);
      const translator = CqlTranslator.fromText(text, libraryManager);
      const elm: unknown = JSON.parse(translator.toJson());
      const messages = messagesOf(libraryName, elm);
      // Fall back on the exception lists (Kotlin lists) when the ELM carries no positioned annotation for them.
      const errorCount = translator.errors.asJsReadonlyArrayView().length;
      const warningCount = translator.warnings.asJsReadonlyArrayView().length;
      if (errorCount + warningCount > messages.length) {
        for (const e of translator.exceptions.asJsReadonlyArrayView()) {
          if (!messages.some((m) => m.message === e.message)) {
            messages.push({
              library: libraryName,
              severity: 'error',
              line: undefined,
              column: undefined,
              message: String(e.message),
            });
          }
        }
      }
      return { elm: sortKeys(elm), messages };
    },
  };
}
