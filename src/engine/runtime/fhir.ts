/**
 * FHIR R4 JSON read the way cql-exec-fhir 2.2.0 reads it, without its wrappers.
 *
 * cql-exec-fhir wraps every element it hands out in a `FHIRObject` whose constructor defines one getter per element of
 * the type hierarchy; once the interpreter is gone, those wrappers dominate an evaluation (bench/profile.md, "Sixth
 * pass"). `FhirValue` holds the same two things a FHIRObject holds (the JSON and the model info's class) and
 * `readProperty` follows `FHIRObject.get` step by step: choices in model-info order (a choice is present when only its
 * `_x` is), primitives merged with their `_x` extension object, code-like enum classes read as primitives, System
 * leaves converted by the same rules (`DateTime.parse`, Date through DateTime). The static part of each read (element
 * lookup, choice list, primitive test) is resolved once per class and field.
 *
 * Where cql-execution's own code must see a FHIR value (equality, de-duplication of FHIR objects), `toLegacy` builds
 * the real cql-exec-fhir wrapper, so those rare paths give the original's answer by running the original.
 */
import { createRequire } from 'node:module';
import { PatientSource } from 'cql-exec-fhir';
import { Code, Date as CqlDate, DateTime } from 'cql-execution';

const require = createRequire(import.meta.url);
const fhirUtil = require('cql-exec-fhir/lib/util.js') as { normalizeChoiceName(n: string): string };

type Json = any;
export type ClassInfo = any;
type ModelInfo = any;

let model: ModelInfo;
let legacyWrapperProto: any;

/** The FHIR 4.0.1 model info, parsed once per process (the same file cql-exec-fhir's PatientSource uses). */
export function modelInfo(): ModelInfo {
  if (model === undefined) {
    const source = PatientSource.FHIRv401();
    model = Reflect.get(source, '_modelInfo');
    // The FHIRObject class is not exported: reach it through a throwaway patient.
    source.loadBundles([
      { resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Patient', id: 'p' } }] },
    ]);
    const probe: any = source.currentPatient();
    legacyWrapperProto = Object.getPrototypeOf(Object.getPrototypeOf(probe));
  }
  return model;
}

/** A FHIR element or resource: its JSON and its model-info class (what a cql-exec-fhir FHIRObject holds). */
export class FhirValue {
  /** getCode results by field (set on first use). */
  codes: Map<string, unknown> | undefined = undefined;
  constructor(
    readonly json: Json,
    readonly typeInfo: ClassInfo,
  ) {}
}

interface Plan {
  readonly system?: string;
  readonly property?: string;
  /** `_<property>`: the name of the primitive's extension object (built once, not on every read). */
  readonly extra?: string;
  readonly typeSpecifier?: any;
  readonly choices?: readonly {
    property: string;
    extra: string;
    typeSpecifier: any;
    cls: ClassInfo;
    primitive: boolean;
  }[];
  /** The class of the values read (of the list's items for a list). */
  readonly cls?: ClassInfo;
  readonly missing?: boolean;
  readonly primitive?: boolean;
  readonly suffix?: string;
}

const plans = new WeakMap<ClassInfo, Map<string, Plan>>();
const primitiveCache = new Map<any, boolean>();

function choicePropertyName(element: any, choice: any): string {
  const name = fhirUtil.normalizeChoiceName(choice.name);
  return `${element.name}${name[0]!.toUpperCase()}${name.slice(1)}`;
}

/** cql-exec-fhir's isFHIRPrimitiveOrListOfFHIRPrimitives, memoized per type specifier. */
function isPrimitive(ts: any): boolean {
  let hit = primitiveCache.get(ts);
  if (hit !== undefined) return hit;
  hit = false;
  if (ts.isNamed) {
    if (ts.namespace === 'FHIR' && ts.name[0].toLowerCase() === ts.name[0]) hit = true;
    else {
      const info = modelInfo().findClass(ts.fqn);
      if (
        info &&
        info.baseTypeSpecifier &&
        info.baseTypeSpecifier.fqn === 'FHIR.Element' &&
        info.elements.length === 1
      ) {
        const property = info.findElement('value');
        hit = Boolean(property && property.typeSpecifier.fqn === 'System.String');
      }
    }
  } else if (ts.isList) hit = isPrimitive(ts.elementType);
  primitiveCache.set(ts, hit);
  return hit;
}

function planOf(typeInfo: ClassInfo, field: string): Plan {
  let byField = plans.get(typeInfo);
  if (byField === undefined) {
    byField = new Map();
    plans.set(typeInfo, byField);
  }
  let plan = byField.get(field);
  if (plan !== undefined) return plan;
  const parts = field.split('.');
  const root = parts[0]!;
  const suffix = parts.length > 1 ? parts.slice(1).join('.') : undefined;
  const element = typeInfo.findElement(root, true);
  if (element === undefined) plan = { missing: true };
  else if (root !== element.name && element.typeSpecifier.isChoice) {
    const ts = element.typeSpecifier.choices.find((c: any) => root === choicePropertyName(element, c));
    plan = withSuffix({ property: root, typeSpecifier: ts }, suffix);
  } else if (element.typeSpecifier.isChoice) {
    const choices = element.typeSpecifier.choices
      .filter((c: any) => c.isNamed)
      .map((c: any) => {
        const property = choicePropertyName(element, c);
        return { property, extra: `_${property}`, typeSpecifier: c, cls: classOfSpec(c), primitive: isPrimitive(c) };
      });
    plan = withSuffix({ property: element.name, typeSpecifier: element.typeSpecifier, choices }, suffix);
  } else plan = withSuffix({ property: element.name, typeSpecifier: element.typeSpecifier }, suffix);
  byField.set(field, plan);
  return plan;
}

function withSuffix(
  p: { property: string; typeSpecifier: any; choices?: Plan['choices'] },
  suffix: string | undefined,
): Plan {
  const ts = p.typeSpecifier;
  if (ts && !p.choices && ts.namespace === 'System') return { ...p, system: ts.name, suffix };
  return {
    ...p,
    extra: `_${p.property}`,
    suffix,
    primitive: ts && !p.choices ? isPrimitive(ts) : undefined,
    cls: ts && !p.choices ? classOfSpec(ts) : undefined,
  };
}

/** `FHIRObject.get(field)` of cql-exec-fhir 2.2.0 on a FhirValue. */
export function readProperty(obj: FhirValue, field: string): unknown {
  const json = obj.json;
  if (json == null) return json;
  return readWithPlan(json, planOf(obj.typeInfo, field));
}

/** `readProperty` of a non-null JSON value with its class's plan of the field. */
function readWithPlan(json: Json, plan: Plan): unknown {
  if (plan.missing) return undefined;
  let property = plan.property!;
  let extra = plan.extra!;
  let ts = plan.typeSpecifier;
  let primitive = plan.primitive;
  let cls = plan.cls;
  if (plan.choices) {
    let found = false;
    for (const c of plan.choices) {
      if (json[c.property] != null || json[c.extra] != null) {
        property = c.property;
        extra = c.extra;
        ts = c.typeSpecifier;
        cls = c.cls;
        primitive = c.primitive;
        found = true;
        break;
      }
    }
    if (ts.namespace === 'System') {
      if (plan.suffix != null) return undefined;
      return toSystemObject(json[property], ts.name);
    }
    if (!found) primitive = isPrimitive(ts);
  } else if (plan.system !== undefined) {
    if (plan.suffix != null) return undefined;
    return toSystemObject(json[property], plan.system);
  }
  const data = fromJson(json, property, extra, ts, primitive === true);
  if (data == null) return data;
  return toFhirValue(data, ts, plan.suffix, cls);
}

/**
 * A read of `X.field` planned at build time (tools/elm-compiler: X of a FHIR class the ELM names, a field without a
 * path): the class and its plan of the field, resolved on first use (a module-level constant of a compiled library).
 */
export interface ReadPlan {
  readonly type: string;
  readonly field: string;
  /** The class once resolved (null: the model info has none of that name). */
  cls?: ClassInfo;
  plan?: Plan;
}

/**
 * `readProperty(obj, plan.field)` when `obj` is of the planned class (without looking the plan up); `NOT_PLANNED`
 * for a value of another class, whose caller reads it the general way.
 */
export function readPlanned(obj: FhirValue, rp: ReadPlan): unknown {
  let cls = rp.cls;
  if (cls === undefined) {
    modelInfo();
    cls = classOf(rp.type) ?? null;
    rp.cls = cls;
    if (cls !== null) rp.plan = planOf(cls, rp.field);
  }
  if (cls === null || obj.typeInfo !== cls) return NOT_PLANNED;
  const json = obj.json;
  if (json == null) return json;
  return readWithPlan(json, rp.plan!);
}
/** What readPlanned answers for a value of another class than the plan's. */
export const NOT_PLANNED: unique symbol = Symbol('not planned');

/**
 * A read of `(X.choice as FHIR.T).value` planned at build time (tools/elm-compiler): X's class, the choice field and
 * the class cast to; resolved on first use into, per choice (model-info order), whether a value of its class is a T
 * and the System type its `value` converts to.
 */
export interface CastPlan {
  readonly type: string;
  readonly field: string;
  readonly as: string;
  resolved?: ResolvedCast | null;
}
interface ResolvedCast {
  readonly cls: ClassInfo;
  readonly choices: readonly { property: string; extra: string; matches: boolean; slow: boolean; system?: string }[];
}

function resolveCast(plan: CastPlan): ResolvedCast | null {
  if (plan.field.includes('.')) return null;
  const cls = classOf(plan.type);
  if (cls == null) return null;
  const p = planOf(cls, plan.field);
  if (p.missing || !p.choices || p.suffix != null) return null;
  return {
    cls,
    choices: p.choices.map((c) => {
      const matches = c.cls != null && typeHierarchy(c.cls).some((t) => t.name === plan.as);
      // A primitive of a System value: its wrapper's `value` is the JSON value converted (anything else: slow).
      const value = matches && c.primitive && c.cls != null ? planOf(c.cls, 'value') : undefined;
      const system =
        value !== undefined && !value.missing && value.suffix == null && !value.choices ? value.system : undefined;
      // A System-typed choice reads as a System value, not a FHIR one: left to the general way.
      const slow = c.typeSpecifier?.namespace === 'System' || (matches && system === undefined);
      return { property: c.property, extra: c.extra, matches, slow, system };
    }),
  };
}

/**
 * `(obj.field as FHIR.T).value` (cql-exec-fhir's reads, cql-execution's cast) on a value of the planned class, from the
 * JSON: the first choice present (a value or its `_x` object) decides; not a T gives null, a T gives its value
 * converted; no choice present gives null. NOT_PLANNED (read the general way) for another class, a choice whose
 * `value` is not a System value, or an `_x` extension object (it merges into the value).
 */
export function readCastValue(obj: FhirValue, plan: CastPlan): unknown {
  let r = plan.resolved;
  if (r === undefined) {
    modelInfo();
    r = resolveCast(plan);
    plan.resolved = r;
  }
  if (r === null || obj.typeInfo !== r.cls) return NOT_PLANNED;
  const json = obj.json;
  if (json == null) return NOT_PLANNED;
  for (const c of r.choices) {
    const extra = json[c.extra];
    if (json[c.property] != null || extra != null) {
      if (c.slow) return NOT_PLANNED;
      if (!c.matches) return null;
      if (extra != null) return NOT_PLANNED;
      const out = toSystemObject(json[c.property], c.system!);
      return out != null ? out : null;
    }
  }
  return null;
}

/** getPropertyFromJSON of cql-exec-fhir: a primitive merged with its `_x` object (element-wise for lists). */
function fromJson(json: Json, property: string, extraName: string, ts: any, primitive: boolean): Json {
  const value = json[property];
  const extra = json[extraName];
  if (value == null && extra == null) return value;
  if (!primitive) return value;
  if (!ts.isList) {
    // The loop below for one value, without its arrays.
    const item: Json = {};
    if (typeof value !== 'undefined') item.value = value;
    if (extra != null) Object.assign(item, extra);
    return item;
  }
  const valueArr = ts.isList && Array.isArray(value) ? [...value] : [value];
  const extraArr = ts.isList && Array.isArray(extra) ? [...extra] : [extra];
  while (valueArr.length > extraArr.length) extraArr.push(undefined);
  while (extraArr.length > valueArr.length) valueArr.push(undefined);
  const data: Json[] = [];
  for (let i = 0; i < valueArr.length; i++) {
    let item: Json = {};
    if (typeof valueArr[i] !== 'undefined') item.value = valueArr[i];
    if (extraArr[i] != null) Object.assign(item, extraArr[i]);
    if (valueArr[i] == null && extraArr[i] == null) item = valueArr[i];
    data.push(item);
  }
  return ts.isList ? data : data[0];
}

// The model info's class of a type specifier's fqn (findClass tries labels, identifiers and names with string edits).
const classes = new Map<string, ClassInfo>();
function classOf(fqn: string): ClassInfo {
  let c = classes.get(fqn);
  if (c === undefined && !classes.has(fqn)) {
    c = modelInfo().findClass(fqn);
    classes.set(fqn, c);
  }
  return c;
}

function classOfSpec(ts: any): ClassInfo {
  if (ts == null) return undefined;
  if (ts.isNamed) return classOf(ts.fqn);
  if (ts.isList && ts.elementType?.isNamed) return classOf(ts.elementType.fqn);
  return undefined;
}

function toFhirValue(data: Json, ts: any, suffix?: string, cls?: ClassInfo): unknown {
  if (data == null) return data;
  if (ts.isNamed) {
    const root = new FhirValue(data, cls ?? classOf(ts.fqn));
    return suffix != null ? readProperty(root, suffix) : root;
  }
  if (ts.isList) {
    if (suffix != null) return undefined;
    return data.map((item: Json) => toFhirValue(item, ts.elementType, undefined, cls));
  }
  return undefined;
}

function toSystemObject(data: Json, name: string): unknown {
  if (data == null) return data;
  switch (name) {
    case 'Boolean':
    case 'Integer':
    case 'String':
    case 'Decimal':
      return data;
    // `data.replace` as cql-exec-fhir calls it: a value that is not a string fails there, so here too.
    case 'DateTime':
      return toDateTime(data.replace('Z', '+00:00'));
    case 'Date':
      return toDate(data);
    case 'Time': {
      const time: any = DateTime.parse(`0000-01-01T${data.replace('Z', '+00:00')}`);
      time.timezoneOffset = null;
      return time;
    }
    default:
      return undefined;
  }
}

// `DateTime.parse(text).getDate()` by text: the year, month and day it gives (null: no date). A FHIR date is at most
// 10 characters; longer texts are parsed each time. Bounded: cleared when full (texts come from requests).
const dates = new Map<string, readonly [number | null, number | null, number | null] | null>();
function toDate(data: Json): unknown {
  const text = typeof data === 'string' && data.length <= 10 ? data : undefined;
  let fields = text !== undefined ? dates.get(text) : undefined;
  if (fields === undefined) {
    const d = DateTime.parse(data);
    fields = d != null ? [d.year, d.month, d.day] : null;
    if (text !== undefined) {
      if (dates.size >= 10_000) dates.clear();
      dates.set(text, fields);
    }
  }
  return fields !== null ? new CqlDate(fields[0], fields[1], fields[2]) : undefined;
}

/**
 * A Bundle's resources by resourceType, in Bundle order, read in one pass: what `findRecords` keeps for each type
 * (`resourceType == <name>`); null when some resourceType is an object or array, which `==` compares through its
 * text (then each type is found by its own pass).
 */
export function groupByResourceType(bundle: Json): Map<string, Json[]> | null {
  const groups = new Map<string, Json[]>();
  for (const e of bundle.entry ?? []) {
    if (!e.resource) continue;
    const type: unknown = e.resource.resourceType;
    if (typeof type === 'string') {
      const list = groups.get(type);
      if (list === undefined) groups.set(type, [e.resource]);
      else list.push(e.resource);
    } else if (typeof type === 'object' && type !== null) return null;
  }
  return groups;
}

/** `findRecords` of one type from the groups of groupByResourceType. */
export function recordsFromGroups(groups: Map<string, Json[]>, dataType: string): FhirValue[] {
  const classInfo = classOf(dataType);
  if (classInfo == null) return [];
  const resources = groups.get(classInfo.name.replace(/^FHIR\./, ''));
  return resources === undefined ? [] : resources.map((r) => new FhirValue(r, classInfo));
}

// `DateTime.parse(text)` by text: the fields it gives and the offset the text states (undefined: none; null: no
// DateTime). A FHIR dateTime is at most 35 characters; longer texts are parsed each time. Bounded: cleared when full.
const dateTimes = new Map<string, { readonly fields: readonly unknown[]; readonly offset: unknown } | null>();
// cql-execution 3.3.2 DateTime.parse's own pattern: an offset is passed to the constructor when group 18 or a 'Z'
// (group 15) is there.
const DATETIME_PATTERN =
  /(\d{4})(-(\d{2}))?(-(\d{2}))?(T((\d{2})(:(\d{2})(:(\d{2})(\.(\d+))?)?)?)?(Z|(([+-])(\d{2})(:?(\d{2}))?))?)?/;

/**
 * `DateTime.parse(text)`: a new DateTime from the remembered fields. A text without an offset gets the one the
 * constructor would give it, the machine's current offset (`(new Date().getTimezoneOffset() / 60) * -1`), taken at
 * most once a minute: offsets change (daylight saving) only on a minute boundary, as todayIn in src/cql/engine.ts relies
 * on too.
 */
function toDateTime(text: string): unknown {
  let parsed = text.length <= 40 ? dateTimes.get(text) : undefined;
  if (parsed === undefined) {
    const d = DateTime.parse(text);
    if (d == null) parsed = null;
    else {
      const m = DATETIME_PATTERN.exec(text);
      const stated = m !== null && (m[18] != null || m[15] === 'Z');
      parsed = {
        fields: [d.year, d.month, d.day, d.hour, d.minute, d.second, d.millisecond],
        offset: stated ? d.timezoneOffset : undefined,
      };
    }
    if (text.length <= 40) {
      if (dateTimes.size >= 10_000) dateTimes.clear();
      dateTimes.set(text, parsed);
    }
  }
  if (parsed === null) return null;
  const f = parsed.fields as number[];
  const offset = parsed.offset !== undefined ? (parsed.offset as number) : localOffsetHours();
  return new DateTime(f[0], f[1], f[2], f[3], f[4], f[5], f[6], offset);
}
let offsetMinute = Number.NaN;
let offsetHours = 0;
function localOffsetHours(): number {
  const now = Date.now();
  const minute = Math.floor(now / 60_000);
  if (minute !== offsetMinute) {
    offsetHours = (new Date(now).getTimezoneOffset() / 60) * -1;
    offsetMinute = minute;
  }
  return offsetHours;
}

/** The resources of one type in a Bundle (cql-exec-fhir `findRecords`: every entry whose resourceType matches). */
export function findRecords(bundle: Json, dataType: string): FhirValue[] {
  const classInfo = classOf(dataType);
  if (classInfo == null) return [];
  const resourceType = classInfo.name.replace(/^FHIR\./, '');
  const out: FhirValue[] = [];
  for (const e of bundle.entry ?? []) {
    // `==` as cql-exec-fhir's findRecords compares (lib/fhir.js), so an odd resourceType matches alike.
    // eslint-disable-next-line eqeqeq
    if (e.resource && e.resource.resourceType == resourceType) out.push(new FhirValue(e.resource, classInfo));
  }
  return out;
}

/** `FHIRObject.getCode(field)`: the element as CQL Code(s), as a retrieve's value-set filter reads it. */
export function getCode(obj: FhirValue, field: string): unknown {
  // A pure function of the JSON: kept on the value (a resource's code is read by every value-set retrieve of its type).
  const memo = obj.codes ?? (obj.codes = new Map());
  if (memo.has(field)) return memo.get(field);
  const concept = conceptCode(obj, field);
  let code: unknown;
  if (concept !== NOT_PLANNED) code = concept;
  else {
    const read = readProperty(obj, field);
    code = read instanceof Code ? read : toCode(read);
  }
  memo.set(field, code);
  return code;
}

/**
 * getCode of a field whose class is CodeableConcept (one, not a list or a choice), from the JSON: what
 * `toCode(readProperty(obj, field))` gives (the field absent: itself; its `coding` absent: itself; one coding: its
 * Code; else the list), without a wrapper per element. NOT_PLANNED for any other field or a `coding` that is not a list.
 */
function conceptCode(obj: FhirValue, field: string): unknown {
  const json = obj.json;
  if (json == null || obj.typeInfo == null) return NOT_PLANNED;
  const plan = planOf(obj.typeInfo, field);
  if (plan.missing || plan.choices || plan.system !== undefined || plan.suffix != null || plan.primitive)
    return NOT_PLANNED;
  if (!plan.typeSpecifier?.isNamed || plan.cls == null || plan.cls !== conceptClass()) return NOT_PLANNED;
  const cc = json[plan.property!];
  if (cc == null) return cc;
  const coding = cc.coding;
  if (coding == null) return coding;
  if (!Array.isArray(coding)) return NOT_PLANNED;
  const codings = coding.map((item: Json) => (item == null ? item : toCode(new FhirValue(item, codingClass()))));
  return codings.length === 1 ? codings[0] : codings;
}
let conceptInfo: ClassInfo;
let codingInfo: ClassInfo;
const conceptClass = (): ClassInfo => (conceptInfo ??= classOf('FHIR.CodeableConcept'));
const codingClass = (): ClassInfo => (codingInfo ??= classOf('FHIR.Coding'));

function toCode(f: any): any {
  if (f == null) return f;
  if (Array.isArray(f)) return f.map(toCode);
  const name: string = f.typeInfo.name;
  const typeName = name.startsWith('FHIR.') ? name.slice(5) : name;
  if (typeName === 'CodeableConcept') {
    const coding = readProperty(f, 'coding') as any;
    if (coding == null) return coding;
    const codings = coding.map(toCode);
    return codings.length === 1 ? codings[0] : codings;
  }
  if (typeName === 'Coding') {
    // Its four strings (uri, code, string: read as they are), unless an `_x` extension object could change a value.
    const j = f.json;
    if (j != null && j._code == null && j._system == null && j._version == null && j._display == null)
      return new Code(j.code, j.system, j.version, j.display);
    const v = (name: string): any => {
      const p: any = readProperty(f, name);
      return p ? readProperty(p, 'value') : p;
    };
    return new Code(v('code'), v('system'), v('version'), v('display'));
  }
  if (typeName === 'code') return readProperty(f, 'value');
  return undefined;
}

const hierarchies = new WeakMap<ClassInfo, { name: string; type: string }[]>();

/** FHIRObject `_typeHierarchy`, once per class. */
function typeHierarchy(info: ClassInfo): { name: string; type: string }[] {
  let h = hierarchies.get(info);
  if (h !== undefined) return h;
  h = [info, ...info.parentClasses()].map((c: any) => {
    let namespace = c.namespace;
    if (namespace === c.modelInfo.name) namespace = c.modelInfo.url;
    else if (namespace === 'System') namespace = 'urn:hl7-org:elm-types:r1';
    let name = c.name;
    if (name.startsWith(`${c.modelInfo.name}.`)) name = name.slice(c.modelInfo.name.length + 1);
    return { name: `{${namespace}}${name}`, type: 'NamedTypeSpecifier' };
  });
  h.push({ name: '{urn:hl7-org:elm-types:r1}Any', type: 'NamedTypeSpecifier' });
  hierarchies.set(info, h);
  return h;
}

/**
 * The names a FhirValue of the class named `type` (`{http://hl7.org/fhir}X`) matches in `fhirIs`: its class's and
 * its ancestors' (and System Any); undefined when the model info has no such class. Used by the ELM compiler.
 */
export function fhirHierarchy(type: string): string[] | undefined {
  modelInfo();
  const info = classOf(type);
  return info == null ? undefined : typeHierarchy(info).map((t) => t.name);
}

/**
 * The ELM type specifier of what `readProperty` gives for field `field` of the FHIR class named `type`: a named FHIR
 * class or a list of one; undefined for a choice, a System type, a path or an unknown class or field. Used by the ELM
 * compiler to plan reads (each planned read checks the class at run time).
 */
export function fhirFieldType(type: string, field: string): object | undefined {
  if (field.includes('.')) return undefined;
  modelInfo();
  const info = classOf(type);
  if (info == null) return undefined;
  const plan = planOf(info, field);
  if (plan.missing || plan.choices || plan.system !== undefined || plan.cls == null) return undefined;
  const named = { type: 'NamedTypeSpecifier', name: typeHierarchy(plan.cls)[0]!.name };
  if (plan.typeSpecifier?.isList) return { type: 'ListTypeSpecifier', elementType: named };
  return plan.typeSpecifier?.isNamed ? named : undefined;
}

/** FHIRObject `_is(typeSpecifier)`. */
export function fhirIs(v: FhirValue, spec: { type: string; name: string }): boolean {
  if (v.typeInfo == null) return spec.name === '{urn:hl7-org:elm-types:r1}Any';
  // `==` as cql-exec-fhir's FHIRObject._is compares (lib/fhir.js).
  // eslint-disable-next-line eqeqeq
  return typeHierarchy(v.typeInfo).some((t) => t.type === spec.type && t.name == spec.name);
}

/** True when a value is, or holds, a FhirValue (then cql-execution's own code needs the real wrappers). */
export function holdsFhir(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (v instanceof FhirValue) return true;
  if (Array.isArray(v)) return v.some(holdsFhir);
  if (Object.getPrototypeOf(v) === Object.prototype) return Object.values(v).some(holdsFhir);
  return false;
}

/** The same value with every FhirValue replaced by cql-exec-fhir's own FHIRObject over the same JSON and class. */
export function toLegacy(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof FhirValue) {
    modelInfo();
    const Ctor = legacyWrapperProto.constructor;
    return new Ctor(v.json, v.typeInfo, model);
  }
  if (Array.isArray(v)) return v.map(toLegacy);
  if (Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toLegacy(x);
    return out;
  }
  return v;
}

/**
 * A read of `X.field.value` planned at build time (tools/elm-compiler: a FHIR primitive field of a resource or element
 * class the ELM names): the field's JSON and the System type its `value` converts to, resolved once. `undefined`
 * until first use, null when the read is not that simple (a choice, a list, a nested path, not a primitive).
 */
export interface PrimitiveValuePlan {
  readonly type: string;
  readonly field: string;
  resolved?: ResolvedPrimitiveValue | null;
}
interface ResolvedPrimitiveValue {
  readonly cls: ClassInfo;
  readonly property: string;
  readonly extra: string;
  readonly system: string;
}

function resolvePrimitiveValue(plan: PrimitiveValuePlan): ResolvedPrimitiveValue | null {
  if (plan.field.includes('.')) return null;
  const cls = classOf(plan.type);
  if (cls == null) return null;
  const p = planOf(cls, plan.field);
  if (p.missing || p.choices || p.system !== undefined || p.suffix != null || p.primitive !== true) return null;
  if (!p.typeSpecifier?.isNamed || p.cls == null) return null;
  const value = planOf(p.cls, 'value');
  if (value.system === undefined || value.suffix != null) return null;
  return { cls, property: p.property!, extra: `_${p.property!}`, system: value.system };
}

/**
 * `X.field.value` on a FhirValue of the planned class without the element's wrapper: the field's JSON converted to its
 * System type, as `readProperty(readProperty(x, field), 'value')` gives it when the field has no `_field` extension
 * object (then, or for another class, undefined: the caller reads it the long way). Null for an absent value.
 */
export function readPrimitiveValue(obj: FhirValue, plan: PrimitiveValuePlan): unknown {
  let r = plan.resolved;
  if (r === undefined) {
    modelInfo();
    r = resolvePrimitiveValue(plan);
    plan.resolved = r;
  }
  if (r === null || obj.typeInfo !== r.cls) return undefined;
  const json = obj.json;
  if (json == null || json[r.extra] != null) return undefined;
  const v = json[r.property];
  if (v == null) return null;
  const out = toSystemObject(v, r.system);
  return out != null ? out : null;
}
