/**
 * A FHIR JSON shape guard in front of the CQL engine, driven by the engine's own parsed FHIR 4.0.1 model info
 * (cql-exec-fhir's ClassInfo / ClassElement / type specifiers) and by what the pathway reads (src/cql/pathway-reads.ts).
 *
 * cql-exec-fhir trusts the JSON: a list element that is not an array (`coding: 5`), an object where a primitive belongs
 * (`effectiveDateTime: {}`) or a string where a complex type belongs (`code: "x"`) throws inside the engine
 * ("data.map is not a function"). It reads lazily, but not only what the CQL asks for: de-duplicating a list of
 * resources (every union, every query without `return all`) walks every element of each one. So the guard walks the
 * whole resource the way the engine would read it, and for each field that does not fit:
 * - a field the pathway reads (its class and element are in the reads, and so is every enclosing field) is a
 *   problem: the data path drops the resource (PATHWAY.md §2 "Unreadable data"), the order hooks answer 400;
 * - any other field is dropped from (a copy of) the resource and named in `ignored`: EHR payloads carry shapes the
 *   pathway never looks at (the CDS Hooks sandbox sends MedicationRequest.category as one object), and those must not
 *   cost the patient a card. An extension is read only when its url is one the pathway reads.
 *
 * Rules, as FHIR JSON (https://hl7.org/fhir/R4/json.html) and cql-exec-fhir's reader see them:
 * - a list element is an array (null allowed); items of a primitive list may be null, items of other lists not;
 * - a FHIR primitive (FHIR.string, FHIR.dateTime, code enums such as FHIR.ObservationStatus) is a JSON string, number
 *   or boolean as its System value type says; its `_field` is an object holding only `id` and `extension`;
 * - a complex type or BackboneElement is an object, walked with its own class; a FHIR.Resource element (`contained`)
 *   is walked as the class its `resourceType` names;
 * - a choice element is read under each of its typed names (`valueQuantity`, `effectiveDateTime`...);
 * - keys the model does not know are never read by the engine and are left alone.
 * Tables are compiled once per class (lazily, then cached): a request never parses model info.
 */
import { classOf, fqn, type ClassView, type TypeSpec } from './model-info.js';
import { isRecord } from '../shared/guards.js';
import type { ResourceShapeGuard, ShapeProblem } from '../fhir/shape-check.js';
import type { PathwayReads } from './pathway-reads.js';

/**
 * Checks resources against the engine's FHIR model, strictly where the pathway reads: the data path's
 * ResourceShapeGuard (src/fhir/shape-check.ts), which the data path gets from the engine without importing it.
 */
export interface ShapeGuard extends ResourceShapeGuard {
  /** The same guard (sharing its compiled tables) for another reader's reads (the order hooks' reads of a draft). */
  forReads(reads: PathwayReads): ShapeGuard;
}

/** Deepest object/array nesting walked inside one resource; deeper is a problem (realistic resources stay under 12). */
export const MAX_SHAPE_DEPTH = 40;

/** Dropped fields named per resource, at most. */
export const MAX_IGNORED = 10;

type JsKind = 'string' | 'number' | 'boolean';

/** What one JSON property must hold. */
type Expect =
  | { readonly kind: 'primitive'; readonly js: JsKind }
  | { readonly kind: 'element-extension' }
  | { readonly kind: 'complex'; readonly className: string }
  | { readonly kind: 'resource'; readonly className: string }
  | { readonly kind: 'any' };

interface Field {
  /** The model element the key holds (`value` for `valueQuantity`, `birthDate` for `_birthDate`). */
  readonly element: string;
  readonly expect: Expect;
  readonly list: boolean;
  /** Items of the list may be null (primitive lists, aligned with their `_field` list). */
  readonly nullItems: boolean;
}

type FieldTable = ReadonlyMap<string, Field>;

/** cql-exec-fhir's JSON name of a choice type (util.normalizeChoiceName): SimpleQuantity is serialised as Quantity. */
const choiceJsonName = (name: string): string => (name === 'SimpleQuantity' ? 'Quantity' : name);

const SYSTEM_JS: Readonly<Record<string, JsKind>> = {
  String: 'string',
  Boolean: 'boolean',
  Integer: 'number',
  Decimal: 'number',
  DateTime: 'string',
  Date: 'string',
  Time: 'string',
};

/** Creates the guard over cql-exec-fhir's parsed ModelInfo (the engine's: `PatientSourceFactory.modelInfo`). */
export function createShapeGuard(modelInfo: unknown, reads: PathwayReads): ShapeGuard {
  if (typeof modelInfo !== 'object' || modelInfo === null)
    throw new Error('cql-exec-fhir: no model info for the shape guard');
  const model: object = modelInfo;
  const classes = new Map<string, ClassView>();
  const tables = new Map<string, FieldTable>();
  const primitives = new Map<string, JsKind | undefined>();
  const resourceNames = new Map<string, boolean>();

  // Only names the model knows are cached: resourceType strings come from requests, and must not grow the caches.
  const findClass = (name: string): ClassView | undefined => {
    const cached = classes.get(name);
    if (cached !== undefined) return cached;
    const found = classOf(model, name);
    if (found !== undefined) classes.set(name, found);
    return found;
  };

  /** The class and its bases, most derived first. */
  const lineage = (name: string): ClassView[] => {
    const out: ClassView[] = [];
    for (let c = findClass(name); c !== undefined && out.length < 20;) {
      out.push(c);
      c = c.base?.kind === 'named' && c.base.namespace !== 'System' ? findClass(fqn(c.base)) : undefined;
    }
    return out;
  };

  /**
   * The JSON kind of a FHIR primitive, undefined for other types. Same test as cql-exec-fhir's
   * isFHIRPrimitiveOrListOfFHIRPrimitives: a lower-case FHIR type, or a code enum (a FHIR.Element with one String `value`).
   */
  const primitiveKind = (t: TypeSpec & { kind: 'named' }): JsKind | undefined => {
    const key = fqn(t);
    if (primitives.has(key)) return primitives.get(key);
    let kind: JsKind | undefined;
    const chain = lineage(key);
    const own = chain[0];
    const lowerCase = t.namespace === 'FHIR' && t.name[0] !== undefined && t.name[0] === t.name[0].toLowerCase();
    const isEnum =
      own !== undefined &&
      own.base?.kind === 'named' &&
      fqn(own.base) === 'FHIR.Element' &&
      own.elements.length === 1 &&
      own.elements[0]?.name === 'value';
    if (lowerCase || isEnum) {
      const value = chain.flatMap((c) => c.elements).find((e) => e.name === 'value')?.type;
      kind = value?.kind === 'named' && value.namespace === 'System' ? SYSTEM_JS[value.name] : undefined;
    }
    primitives.set(key, kind);
    return kind;
  };

  const isResourceClass = (name: string): boolean => {
    const cached = resourceNames.get(name);
    if (cached !== undefined) return cached;
    const chain = lineage(name);
    const known = chain.some((c) => c.name === 'Resource' || c.name === 'FHIR.Resource');
    if (chain.length > 0) resourceNames.set(name, known);
    return known;
  };

  const expectOf = (t: TypeSpec): Expect => {
    if (t.kind !== 'named') return { kind: 'any' };
    if (t.namespace === 'System') {
      const js = SYSTEM_JS[t.name];
      return js !== undefined ? { kind: 'primitive', js } : { kind: 'any' };
    }
    const js = primitiveKind(t);
    if (js !== undefined) return { kind: 'primitive', js };
    const className = fqn(t);
    if (findClass(className) === undefined) return { kind: 'any' };
    return isResourceClass(className) ? { kind: 'resource', className } : { kind: 'complex', className };
  };

  /** Adds `key` (and `_key` for FHIR primitives) for an element of type `t` (a named type or a list of one). */
  const addField = (table: Map<string, Field>, element: string, key: string, t: TypeSpec): void => {
    const list = t.kind === 'list';
    const item = t.kind === 'list' ? t.element : t;
    const expect = expectOf(item);
    // System-typed elements (Element.id) are read as they are; FHIR primitives may carry a `_key` sibling.
    const fhirPrimitive = expect.kind === 'primitive' && !(item.kind === 'named' && item.namespace === 'System');
    table.set(key, { element, expect, list, nullItems: fhirPrimitive });
    if (fhirPrimitive) table.set(`_${key}`, { element, expect: { kind: 'element-extension' }, list, nullItems: true });
  };

  const tableOf = (className: string): FieldTable => {
    const cached = tables.get(className);
    if (cached !== undefined) return cached;
    const table = new Map<string, Field>();
    // Bases first: an element of the derived class wins over one of the same name in a base (ClassInfo.findElement).
    for (const c of lineage(className).reverse()) {
      for (const e of c.elements) {
        if (e.type.kind === 'choice') {
          for (const choice of e.type.choices) {
            if (choice.kind !== 'named') continue;
            const typed = choiceJsonName(choice.name);
            addField(table, e.name, `${e.name}${typed.charAt(0).toUpperCase()}${typed.slice(1)}`, choice);
          }
        } else addField(table, e.name, e.name, e.type);
      }
    }
    tables.set(className, table);
    return table;
  };

  const fail = (field: string, message = `field '${field}' has the wrong type`): ShapeProblem => ({ field, message });

  const join = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

  const isExtensionClass = (className: string): boolean => className === 'FHIR.Extension' || className === 'Extension';

  /** A guard over the shared tables for one set of reads. */
  function guardFor(reads: PathwayReads): ShapeGuard {
    const readSets = new Map<string, ReadonlySet<string>>();
    /** The elements read on a class: its own and its bases' (`id` is read on Resource for every resource type). */
    const readOf = (className: string): ReadonlySet<string> => {
      const cached = readSets.get(className);
      if (cached !== undefined) return cached;
      const set = new Set<string>();
      for (const c of lineage(className)) for (const e of reads.elements.get(c.name) ?? []) set.add(e);
      readSets.set(className, set);
      return set;
    };

    /** Walks one object as `className`: undefined when it fits as it is. */
    function walkObject(
      json: Record<string, unknown>,
      className: string,
      path: string,
      depth: number,
      strict: boolean,
      ignored: string[],
    ): Verdict {
      if (depth > MAX_SHAPE_DEPTH)
        return { problem: fail(path, `field '${path}' is nested more than ${MAX_SHAPE_DEPTH} levels deep`) };
      const table = tableOf(className);
      const read = strict ? readOf(className) : NOTHING;
      let copy: Record<string, unknown> | undefined;
      // Parsed JSON: every key is own and enumerable (for...in makes no array of them per object).
      for (const key in json) {
        const field = table.get(key);
        if (field === undefined) continue;
        const value = json[key];
        if (value === null || value === undefined) continue;
        // Most fields are primitives that fit: checked here, without the path string a problem would name.
        if (!field.list && field.expect.kind === 'primitive' && fitsPrimitive(value, field.expect.js)) continue;
        const keyStrict = read.has(field.element);
        const verdict = walkField(value, field, join(path, key), depth, keyStrict, ignored);
        if (verdict === undefined) continue;
        copy ??= { ...json };
        if ('problem' in verdict) {
          if (keyStrict) return verdict;
          // Not read by the pathway: dropped, so neither the engine nor anything after it sees it.
          delete copy[key];
          if (ignored.length < MAX_IGNORED) ignored.push(verdict.problem.field);
        } else copy[key] = verdict.value;
      }
      return copy === undefined ? undefined : { value: copy };
    }

    function walkField(
      value: unknown,
      field: Field,
      at: string,
      depth: number,
      strict: boolean,
      ignored: string[],
    ): Verdict {
      if (!field.list) return walkValue(value, field.expect, at, depth + 1, strict, ignored);
      if (!Array.isArray(value)) return { problem: fail(at) };
      // The pathway reads an extension only when its url is one it looks for: any other that does not fit is dropped.
      const byUrl = strict && field.expect.kind === 'complex' && isExtensionClass(field.expect.className);
      let copy: unknown[] | undefined;
      let dropped: Set<number> | undefined;
      const expect = field.expect;
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (item === null || item === undefined) {
          if (field.nullItems) continue;
          return { problem: fail(`${at}[${i}]`) };
        }
        if (expect.kind === 'primitive' && fitsPrimitive(item, expect.js)) continue;
        const itemStrict = byUrl
          ? isRecord(item) && typeof item.url === 'string' && reads.extensionUrls.has(item.url)
          : strict;
        const verdict = walkValue(item, field.expect, `${at}[${i}]`, depth + 1, itemStrict, ignored);
        if (verdict === undefined) continue;
        if ('problem' in verdict) {
          if (!byUrl || itemStrict) return verdict;
          (dropped ??= new Set()).add(i);
          if (ignored.length < MAX_IGNORED) ignored.push(verdict.problem.field);
        } else {
          copy ??= value.slice();
          copy[i] = verdict.value;
        }
      }
      if (copy === undefined && dropped === undefined) return undefined;
      return { value: dropped === undefined ? copy : (copy ?? value).filter((_, i) => !dropped.has(i)) };
    }

    function walkValue(
      value: unknown,
      expect: Expect,
      path: string,
      depth: number,
      strict: boolean,
      ignored: string[],
    ): Verdict {
      switch (expect.kind) {
        case 'any':
          return undefined;
        case 'primitive':
          return fitsPrimitive(value, expect.js) ? undefined : { problem: fail(path) };
        case 'element-extension': {
          // cql-exec-fhir merges `_field` into the primitive's object (Object.assign): only Element's own keys may be there.
          if (!isRecord(value)) return { problem: fail(path) };
          for (const key of Object.keys(value)) {
            if (key !== 'id' && key !== 'extension' && key !== 'fhir_comments')
              return { problem: fail(join(path, key)) };
          }
          return walkObject(value, 'FHIR.Element', path, depth, strict, ignored);
        }
        case 'complex':
          return isRecord(value)
            ? walkObject(value, expect.className, path, depth, strict, ignored)
            : { problem: fail(path) };
        case 'resource': {
          if (!isRecord(value)) return { problem: fail(path) };
          const declared = value.resourceType;
          if (declared !== undefined && typeof declared !== 'string')
            return { problem: fail(join(path, 'resourceType')) };
          const named =
            typeof declared === 'string' && declared !== '' && isResourceClass(declared) ? declared : expect.className;
          return walkObject(value, named, path, depth, strict, ignored);
        }
      }
    }

    const others = new Map<PathwayReads, ShapeGuard>();
    const guard: ShapeGuard = {
      inspect(resource) {
        if (!isRecord(resource) || typeof resource.resourceType !== 'string')
          return { problem: fail('resourceType'), resource, ignored: [] };
        const type = resource.resourceType;
        // A type the model does not know is never retrieved by the engine: nothing to protect it from.
        if (type === '' || !isResourceClass(type)) return { resource, ignored: [] };
        const ignored: string[] = [];
        const verdict = walkObject(resource, type, '', 0, true, ignored);
        if (verdict === undefined) return { resource, ignored };
        return 'problem' in verdict
          ? { problem: verdict.problem, resource, ignored }
          : { resource: verdict.value, ignored };
      },
      check: (resource) => guard.inspect(resource).problem,
      forReads(other) {
        if (other === reads) return guard;
        const known = others.get(other);
        if (known !== undefined) return known;
        const made = guardFor(other);
        // Callers pass a few constant read sets; a bound keeps a caller passing fresh ones from growing this.
        if (others.size < 8) others.set(other, made);
        return made;
      },
    };
    return guard;
  }

  return guardFor(reads);
}

/** True when `value` is a FHIR primitive's JSON of kind `js` (JSON.parse turns 1e999 into Infinity: no FHIR number). */
function fitsPrimitive(value: unknown, js: JsKind): boolean {
  return typeof value === js && (typeof value !== 'number' || Number.isFinite(value));
}

/** A walk's verdict on a value: undefined when it fits as it is. */
type Verdict = undefined | { readonly problem: ShapeProblem } | { readonly value: unknown };

const NOTHING: ReadonlySet<string> = new Set();
