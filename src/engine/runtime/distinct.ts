/**
 * A faster de-duplication for cql-execution 3.3.2, installed once per process by the engine.
 *
 * cql-execution de-duplicates the result of every `union`, `distinct` and query without `return all` in
 * `toDistinctList`: a normalized key per element (immutable.js values for objects) added to an immutable.js Set built
 * for the call. A StsPathway evaluation makes ~120 such calls, nine in ten on lists of strings, numbers or booleans
 * (most of them empty), and they cost about a tenth of the evaluation (bench/profile.md).
 *
 * For those lists the normalized key of an element is the element itself (null for null and undefined), and
 * immutable.js compares primitive keys as a JS Set does (SameValueZero): the first occurrence of each value is kept,
 * in order, exactly as before. Tuples with their keys in one order (one query's rows) are keyed by their values alone
 * (`distinctRows`). Other lists of tuples (plain objects) whose values are primitives,
 * lists, tuples, CQL Dates and DateTimes get a canonical string per element that is equal exactly when the
 * normalized keys are equal (the same own keys and values; a DateTime at UTC first, as the original normalizes it).
 * Any other list goes to the original.
 * Tested against it in test/unit/engine/distinct.test.ts.
 */
import { createRequire } from 'node:module';
import { Date as CqlDate, DateTime as CqlDateTime } from 'cql-execution';

type Distinct = (list: readonly unknown[]) => unknown[];

const INSTALLED = Symbol.for('sts-pathway-cds.fast-distinct');
const require = createRequire(import.meta.url);

const isPrimitive = (v: unknown): boolean => v === null || (typeof v !== 'object' && typeof v !== 'function');

/** The first element of each key, in order; undefined as soon as `keyOf` has no key for an element. */
function firstOfEachKey(list: readonly unknown[], keyOf: (v: unknown) => unknown): unknown[] | undefined {
  const seen = new Set<unknown>();
  const out: unknown[] = [];
  for (const v of list) {
    const key = keyOf(v);
    if (key === undefined) return undefined;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(v);
    }
  }
  return out;
}

/** The first occurrence of each value of a list of primitives (null and undefined are one value), in order. */
export function distinctPrimitives(list: readonly unknown[]): unknown[] {
  return firstOfEachKey(list, (v) => (v === undefined ? null : v)) ?? [];
}

/**
 * A string that two values share exactly when cql-execution's normalized keys of them are equal; undefined when the
 * value holds anything else (then the original decides). Numbers as immutable.js compares them: NaN equals NaN,
 * -0 equals 0.
 */
export function canonicalKey(v: unknown): string | undefined {
  if (v === null || v === undefined) return 'N';
  switch (typeof v) {
    case 'string':
      return `s${JSON.stringify(v)}`;
    case 'number':
      return Number.isNaN(v) ? 'nNaN' : `n${String(v === 0 ? 0 : v)}`;
    case 'boolean':
      return v ? 'b1' : 'b0';
    case 'object':
      break;
    default:
      return undefined;
  }
  if (Array.isArray(v)) {
    const items: string[] = [];
    for (const x of v) {
      const k = canonicalKey(x);
      if (k === undefined) return undefined;
      items.push(k);
    }
    return `a[${items.join(',')}]`;
  }
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto === Object.prototype) return keyedKey('o', v);
  // Exactly these classes (the original tags a key with the constructor: a subclass would differ).
  if (proto === CqlDateTime.prototype && v instanceof CqlDateTime) {
    const utc = typeof v.timezoneOffset === 'number' && v.timezoneOffset !== 0 ? v.convertToTimezoneOffset(0) : v;
    return keyedKey('T', utc);
  }
  if (proto === CqlDate.prototype) {
    // keyedKey's text for a Date with just its three fields, without sorting and quoting the names each time.
    if (ownFieldCount(v) === 3) {
      const d = v as CqlDate;
      return `D{"day":${canonicalKey(d.day)},"month":${canonicalKey(d.month)},"year":${canonicalKey(d.year)}}`;
    }
    return keyedKey('D', v);
  }
  return undefined;
}

/** An object normalized as immutable.js sees it (its own keys, in any order) under a tag for its class. */
function keyedKey(tag: string, v: object): string | undefined {
  // immutable.js reads an object with a `length`, an iterator or symbol keys differently: leave those to the original.
  if (Object.hasOwn(v, 'length') || Symbol.iterator in v || Object.getOwnPropertySymbols(v).length > 0)
    return undefined;
  const parts: string[] = [];
  for (const key of Object.keys(v).sort()) {
    const k = canonicalKey(Reflect.get(v, key));
    if (k === undefined) return undefined;
    parts.push(`${JSON.stringify(key)}:${k}`);
  }
  return `${tag}{${parts.join(',')}}`;
}

/**
 * A field's part of a row key: two values get the same part exactly when their canonical keys are equal. Primitives
 * are tagged (a string prefixed with its length, so no part runs into the next); a list of primitives is its length
 * and their parts; a Date with only its own three fields
 * and a DateTime at UTC (or without an offset) with only its own eight are their fields' parts; anything else with a
 * canonical key is that key, prefixed with its length. A DateTime at another offset answers undefined: its canonical
 * key is the UTC one (a conversion through luxon), which only canonicalKey makes.
 */
function rowPart(v: unknown): string | undefined {
  if (v === null || v === undefined) return 'N';
  switch (typeof v) {
    case 'string':
      return `s${v.length}:${v}`;
    case 'number':
      return Number.isNaN(v) ? 'nNaN|' : `n${String(v === 0 ? 0 : v)}|`;
    case 'boolean':
      return v ? 'T' : 'F';
    case 'object':
      break;
    default:
      return undefined;
  }
  if (Array.isArray(v)) {
    // A list of primitives: its length and its items' parts (equal exactly when the items' canonical keys are).
    let part = `L${v.length}|`;
    for (const x of v) {
      if (x !== null && x !== undefined && typeof x !== 'string' && typeof x !== 'number' && typeof x !== 'boolean') {
        part = '';
        break;
      }
      part += rowPart(x)!;
    }
    if (part !== '') return part;
  }
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto === CqlDate.prototype && ownFieldCount(v) === 3) {
    const d = v as CqlDate;
    return `D${rowPart(d.year)}${rowPart(d.month)}${rowPart(d.day)}`;
  }
  if (proto === CqlDateTime.prototype && v instanceof CqlDateTime) {
    if (typeof v.timezoneOffset === 'number' && v.timezoneOffset !== 0) return undefined;
    if (ownFieldCount(v) === 8) {
      return (
        `M${rowPart(v.year)}${rowPart(v.month)}${rowPart(v.day)}${rowPart(v.hour)}${rowPart(v.minute)}` +
        `${rowPart(v.second)}${rowPart(v.millisecond)}${rowPart(v.timezoneOffset)}`
      );
    }
  }
  const key = canonicalKey(v);
  return key === undefined ? undefined : `c${key.length}:${key}`;
}

/**
 * The number of own fields of a Date (year, month, day) or DateTime (and hour to timezoneOffset), as their
 * constructors set them; -1 when anything else could change its normalized key (another field, `length`, symbols).
 */
function ownFieldCount(v: object): number {
  if (Object.hasOwn(v, 'length') || Symbol.iterator in v || Object.getOwnPropertySymbols(v).length > 0) return -1;
  const keys = Object.keys(v);
  for (const k of keys) if (!DATE_FIELDS.has(k)) return -1;
  return keys.length;
}
const DATE_FIELDS: ReadonlySet<string> = new Set([
  'year',
  'month',
  'day',
  'hour',
  'minute',
  'second',
  'millisecond',
  'timezoneOffset',
]);

/**
 * The first of each row of a list of tuples (plain objects: the rows of queries, unions of them); undefined for any
 * other list, or when a field has no cheap part. A row's key is its key set's number (the same for the same names in
 * any order) and its fields' parts in the order of their sorted names, which two rows share exactly when their
 * canonical keys are equal (the same names, each value's canonical key equal). A query's rows share one key order,
 * so the order is worked out once per shape met, not per row.
 */
export function distinctRows(
  list: readonly unknown[],
  keysOf: readonly (string[] | null)[] | undefined = tupleKeys(list),
): unknown[] | undefined {
  if (keysOf === undefined) return undefined;
  const seen = new Set<string>();
  const out: unknown[] = [];
  const shapes: { keys: string[]; order: number[]; id: number }[] = [];
  const ids = new Map<string, number>();
  let shape: { keys: string[]; order: number[]; id: number } | undefined;
  for (let n = 0; n < list.length; n++) {
    const v = list[n];
    const keys = keysOf[n];
    if (v == null || keys == null) {
      // null and undefined are one key (canonicalKey's 'N'; a tuple's key starts with its shape's number).
      if (!seen.has('N')) {
        seen.add('N');
        out.push(v);
      }
      continue;
    }
    if (shape === undefined || !sameKeys(keys, shape.keys)) {
      shape = shapes.find((x) => sameKeys(keys, x.keys));
      if (shape === undefined) {
        const order = keys.map((_k, i) => i).sort((a, b) => (keys[a]! < keys[b]! ? -1 : 1));
        const names = JSON.stringify(order.map((i) => keys[i]));
        let id = ids.get(names);
        if (id === undefined) {
          id = ids.size;
          ids.set(names, id);
        }
        shape = { keys, order, id };
        shapes.push(shape);
      }
    }
    let key = `${shape.id}|`;
    for (const i of shape.order) {
      const part = rowPart(Reflect.get(v, keys[i]!));
      if (part === undefined) return undefined;
      key += part;
    }
    if (!seen.has(key)) {
      seen.add(key);
      out.push(v);
    }
  }
  return out;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function isPlainTuple(v: unknown): v is object {
  return (
    typeof v === 'object' &&
    v !== null &&
    Object.getPrototypeOf(v) === Object.prototype &&
    Object.getOwnPropertySymbols(v).length === 0
  );
}

/**
 * Every element (a copy of the list) when all are plain tuples and one field, in every tuple, holds a string, number
 * or boolean that no other tuple's same field holds (as the normalized keys compare primitives: -0 is 0, NaN is NaN,
 * which is a JS Set's SameValueZero): tuples whose keys differ in a field are never equal, so nothing is dropped.
 * Up to 12 fields of the first tuple are tried, each given up at its first repeat; undefined when none is unique.
 */
export function allDistinctByAField(
  list: readonly unknown[],
  keysOf: readonly (string[] | null)[] | undefined = tupleKeys(list),
): unknown[] | undefined {
  if (list.length < 2 || keysOf === undefined) return undefined;
  // One null (or undefined) has no equal among tuples; two are equal.
  let nulls = 0;
  let first = -1;
  let oneShape = true;
  for (let n = 0; n < list.length; n++) {
    const keys = keysOf[n];
    if (keys == null) {
      if (++nulls > 1) return undefined;
    } else if (first < 0) first = n;
    else if (oneShape && !sameKeys(keys, keysOf[first]!)) oneShape = false;
  }
  if (first < 0) return undefined;
  const head = list[first] as object;
  let tried = 0;
  for (const name of keysOf[first]!) {
    const x0: unknown = Reflect.get(head, name);
    // A boolean tells at most two tuples apart.
    if (!isKeyPrimitive(x0) || (typeof x0 === 'boolean' && list.length > 2)) continue;
    if (++tried > 12) break;
    const seen = new Set<unknown>();
    let unique = true;
    for (const v of list) {
      if (v == null) continue;
      const x: unknown = Reflect.get(v, name);
      // An own enumerable field (what the normalized key reads: every tuple has it when all have the first's keys),
      // not null, not seen before.
      if (!isKeyPrimitive(x) || seen.has(x) || (!oneShape && !Object.prototype.propertyIsEnumerable.call(v, name))) {
        unique = false;
        break;
      }
      seen.add(x);
    }
    if (unique) return list.slice();
  }
  return undefined;
}

/**
 * Each element's own enumerable keys (null for a null or undefined element) when every element is a plain tuple
 * without a `length` (immutable.js would read that as a list) or null; undefined otherwise.
 */
export function tupleKeys(list: readonly unknown[]): (string[] | null)[] | undefined {
  const keys: (string[] | null)[] = new Array<string[] | null>(list.length);
  for (let n = 0; n < list.length; n++) {
    const v = list[n];
    if (v == null) keys[n] = null;
    else if (!isPlainTuple(v) || Object.hasOwn(v, 'length')) return undefined;
    else keys[n] = Object.keys(v);
  }
  return keys;
}
const isKeyPrimitive = (x: unknown): boolean =>
  typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean';

/**
 * `toDistinctList` wherever a fast path applies (empty, primitives, tuples told apart by one field, rows of one
 * shape, values with a canonical key); undefined when only cql-execution's own code can tell.
 */
export function fastDistinct(items: readonly unknown[]): unknown[] | undefined {
  if (items.length === 0) return [];
  if (items.every(isPrimitive)) return distinctPrimitives(items);
  const keys = tupleKeys(items);
  if (keys !== undefined) {
    return allDistinctByAField(items, keys) ?? distinctRows(items, keys) ?? firstOfEachKey(items, canonicalKey);
  }
  // A value's row part is shorter to build than its canonical key (no names for a Date), and as telling.
  return firstOfEachKey(items, rowPart) ?? firstOfEachKey(items, canonicalKey);
}

/** cql-execution's own `toDistinctList` (for the tests), whether or not the fast path is installed. */
export function originalDistinct(): Distinct {
  const list = listModule();
  const current = Reflect.get(list, 'toDistinctList') as Distinct & { [INSTALLED]?: Distinct };
  return current[INSTALLED] ?? current;
}

/** Replaces cql-execution's `toDistinctList` by one with fast paths (empty, primitive, tuple lists). Idempotent. */
export function installFastDistinct(): void {
  const list = listModule();
  const original: unknown = Reflect.get(list, 'toDistinctList');
  if (typeof original !== 'function')
    throw new Error('cql-execution: elm/list toDistinctList not found (version changed?)');
  if (INSTALLED in original) return;
  const fallback = original as Distinct;
  const fast: Distinct = (items) => fastDistinct(items) ?? fallback(items);
  Object.defineProperty(fast, INSTALLED, { value: fallback });
  // Every caller reads it from the module's exports at call time (`(0, list_1.toDistinctList)(...)`).
  Object.defineProperty(list, 'toDistinctList', { value: fast, writable: true, configurable: true, enumerable: true });
}

function listModule(): object {
  // The package's entry first: lib/elm/list.js alone would load the ELM classes in the wrong order.
  require('cql-execution');
  const list: unknown = require('cql-execution/lib/elm/list.js');
  if (typeof list !== 'object' || list === null)
    throw new Error('cql-execution: elm/list not found (version changed?)');
  return list;
}
