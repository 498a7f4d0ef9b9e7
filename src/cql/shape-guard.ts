/**
 * A FHIR JSON shape guard in front of the CQL engine, driven by the engine's own parsed FHIR 4.0.1 model info
 * (cql-exec-fhir's ClassInfo / ClassElement / type specifiers).
 *
 * cql-exec-fhir trusts the JSON: a list element that is not an array (`coding: 5`), an object where a primitive belongs
 * (`effectiveDateTime: {}`) or a string where a complex type belongs (`code: "x"`) throws inside the engine
 * ("data.map is not a function"). The guard walks a resource the way the engine would read it and names the first field
 * that does not fit, so the data path can drop the resource (PATHWAY.md §2 "Unreadable data") instead of answering 500.
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

/** Why a resource does not fit the model: the first field (a path) that does not. */
export interface ShapeProblem {
  /** Path of the field, e.g. `code`, `category[0].coding`, `_birthDate.extension[0].url`. */
  readonly field: string;
  /** "field 'code' has the wrong type". */
  readonly message: string;
}

/** Checks resources against the engine's FHIR model. */
export interface ShapeGuard {
  /** Undefined when `resource` fits (or names a type the model does not know); else the first field that does not. */
  check(resource: unknown): ShapeProblem | undefined;
}

/** Deepest object/array nesting walked inside one resource; deeper is a problem (realistic resources stay under 12). */
export const MAX_SHAPE_DEPTH = 40;

/** "Observation/abc: field 'code' has the wrong type" (the type alone when the resource has no usable id). */
export function describeShapeProblem(resource: unknown, problem: ShapeProblem): string {
  const type = isRecord(resource) && typeof resource.resourceType === 'string' ? resource.resourceType.slice(0, 64) : 'resource';
  const id = isRecord(resource) && typeof resource.id === 'string' && /^[A-Za-z0-9\-.]{1,64}$/.test(resource.id) ? resource.id : undefined;
  return `${id !== undefined ? `${type}/${id}` : `a ${type} without a valid id`}: ${problem.message}`;
}

/* ---------- The model info, narrowed once ---------- */

type JsKind = 'string' | 'number' | 'boolean';

/** What one JSON property must hold. */
type Expect =
  | { readonly kind: 'primitive'; readonly js: JsKind }
  | { readonly kind: 'element-extension' }
  | { readonly kind: 'complex'; readonly className: string }
  | { readonly kind: 'resource'; readonly className: string }
  | { readonly kind: 'any' };

interface Field {
  readonly expect: Expect;
  readonly list: boolean;
  /** Items of the list may be null (primitive lists, aligned with their `_field` list). */
  readonly nullItems: boolean;
}

type FieldTable = ReadonlyMap<string, Field>;

/** A type specifier of cql-exec-fhir, as plain data. */
type TypeSpec =
  | { readonly kind: 'named'; readonly namespace: string | undefined; readonly name: string }
  | { readonly kind: 'list'; readonly element: TypeSpec }
  | { readonly kind: 'choice'; readonly choices: readonly TypeSpec[] }
  | { readonly kind: 'other' };

interface ClassView {
  readonly name: string;
  readonly base: TypeSpec | undefined;
  readonly elements: readonly { readonly name: string; readonly type: TypeSpec }[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads a property of one of cql-exec-fhir's class instances (getters live on the prototype). */
function prop(o: unknown, key: string): unknown {
  return typeof o === 'object' && o !== null ? Reflect.get(o, key) : undefined;
}

function toTypeSpec(ts: unknown): TypeSpec {
  if (prop(ts, 'isNamed') === true) {
    const name = prop(ts, 'name');
    const namespace = prop(ts, 'namespace');
    if (typeof name === 'string') return { kind: 'named', name, namespace: typeof namespace === 'string' ? namespace : undefined };
  }
  if (prop(ts, 'isList') === true) return { kind: 'list', element: toTypeSpec(prop(ts, 'elementType')) };
  if (prop(ts, 'isChoice') === true) {
    const choices = prop(ts, 'choices');
    return { kind: 'choice', choices: Array.isArray(choices) ? choices.map(toTypeSpec) : [] };
  }
  return { kind: 'other' };
}

/** The class `name` ("Observation", "FHIR.Observation", "Observation.Component") of the model, narrowed. */
function classOf(modelInfo: object, name: string): ClassView | undefined {
  const findClass: unknown = Reflect.get(modelInfo, 'findClass');
  if (typeof findClass !== 'function') throw new Error('cql-exec-fhir: ModelInfo.findClass not found (version changed?)');
  const c: unknown = Reflect.apply(findClass, modelInfo, [name]);
  const className = prop(c, 'name');
  if (typeof className !== 'string') return undefined;
  const elements = prop(c, 'elements');
  const base = prop(c, 'baseTypeSpecifier');
  return {
    name: className,
    base: base === undefined || base === null ? undefined : toTypeSpec(base),
    elements: (Array.isArray(elements) ? elements : []).flatMap((e: unknown) => {
      const n = prop(e, 'name');
      return typeof n === 'string' ? [{ name: n, type: toTypeSpec(prop(e, 'typeSpecifier')) }] : [];
    }),
  };
}

const fqn = (t: TypeSpec & { kind: 'named' }): string => (t.namespace !== undefined ? `${t.namespace}.${t.name}` : t.name);

/** cql-exec-fhir's JSON name of a choice type (util.normalizeChoiceName): SimpleQuantity is serialised as Quantity. */
const choiceJsonName = (name: string): string => (name === 'SimpleQuantity' ? 'Quantity' : name);

const SYSTEM_JS: Readonly<Record<string, JsKind>> = {
  String: 'string', Boolean: 'boolean', Integer: 'number', Decimal: 'number', DateTime: 'string', Date: 'string', Time: 'string',
};

/** Creates the guard over cql-exec-fhir's parsed ModelInfo (the engine's: `PatientSourceFactory.modelInfo`). */
export function createShapeGuard(modelInfo: unknown): ShapeGuard {
  if (typeof modelInfo !== 'object' || modelInfo === null) throw new Error('cql-exec-fhir: no model info for the shape guard');
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
    for (let c = findClass(name); c !== undefined && out.length < 20; ) {
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
    const isEnum = own !== undefined && own.base?.kind === 'named' && fqn(own.base) === 'FHIR.Element' && own.elements.length === 1
      && own.elements[0]?.name === 'value';
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
  const addField = (table: Map<string, Field>, key: string, t: TypeSpec): void => {
    const list = t.kind === 'list';
    const item = t.kind === 'list' ? t.element : t;
    const expect = expectOf(item);
    // System-typed elements (Element.id) are read as they are; FHIR primitives may carry a `_key` sibling.
    const fhirPrimitive = expect.kind === 'primitive' && !(item.kind === 'named' && item.namespace === 'System');
    table.set(key, { expect, list, nullItems: fhirPrimitive });
    if (fhirPrimitive) table.set(`_${key}`, { expect: { kind: 'element-extension' }, list, nullItems: true });
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
            addField(table, `${e.name}${typed.charAt(0).toUpperCase()}${typed.slice(1)}`, choice);
          }
        } else addField(table, e.name, e.type);
      }
    }
    tables.set(className, table);
    return table;
  };

  const fail = (field: string, message = `field '${field}' has the wrong type`): ShapeProblem => ({ field, message });

  const join = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

  /** Walks one object as `className`; the first problem, or undefined. */
  function walkObject(json: Record<string, unknown>, className: string, path: string, depth: number): ShapeProblem | undefined {
    if (depth > MAX_SHAPE_DEPTH) return fail(path, `field '${path}' is nested more than ${MAX_SHAPE_DEPTH} levels deep`);
    const table = tableOf(className);
    for (const key of Object.keys(json)) {
      const field = table.get(key);
      if (field === undefined) continue;
      const value = json[key];
      if (value === null || value === undefined) continue;
      const at = join(path, key);
      if (field.list) {
        if (!Array.isArray(value)) return fail(at);
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (item === null || item === undefined) {
            if (field.nullItems) continue;
            return fail(`${at}[${i}]`);
          }
          const problem = walkValue(item, field.expect, `${at}[${i}]`, depth + 1);
          if (problem !== undefined) return problem;
        }
      } else {
        const problem = walkValue(value, field.expect, at, depth + 1);
        if (problem !== undefined) return problem;
      }
    }
    return undefined;
  }

  function walkValue(value: unknown, expect: Expect, path: string, depth: number): ShapeProblem | undefined {
    switch (expect.kind) {
      case 'any':
        return undefined;
      case 'primitive':
        // JSON.parse turns 1e999 into Infinity: no FHIR number.
        if (typeof value !== expect.js || (typeof value === 'number' && !Number.isFinite(value))) return fail(path);
        return undefined;
      case 'element-extension': {
        // cql-exec-fhir merges `_field` into the primitive's object (Object.assign): only Element's own keys may be there.
        if (!isRecord(value)) return fail(path);
        for (const key of Object.keys(value)) if (key !== 'id' && key !== 'extension' && key !== 'fhir_comments') return fail(join(path, key));
        return walkObject(value, 'FHIR.Element', path, depth);
      }
      case 'complex':
        return isRecord(value) ? walkObject(value, expect.className, path, depth) : fail(path);
      case 'resource': {
        if (!isRecord(value)) return fail(path);
        const declared = value.resourceType;
        if (declared !== undefined && typeof declared !== 'string') return fail(join(path, 'resourceType'));
        const named = typeof declared === 'string' && declared !== '' && isResourceClass(declared) ? declared : expect.className;
        return walkObject(value, named, path, depth);
      }
    }
  }

  return {
    check(resource) {
      if (!isRecord(resource) || typeof resource.resourceType !== 'string') return fail('resourceType');
      const type = resource.resourceType;
      // A type the model does not know is never retrieved by the engine: nothing to protect it from.
      if (type === '' || !isResourceClass(type)) return undefined;
      return walkObject(resource, type, '', 0);
    },
  };
}

