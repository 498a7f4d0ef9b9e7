/**
 * The CQL operators the compiled libraries call: each one is the body of cql-execution 3.3.2's `exec` for that ELM
 * node (lib/elm/*.js), with its operands already evaluated, and calls cql-execution's own datatype and comparison code
 * (DateTime, Date, Interval, Quantity, Uncertainty, equals, equivalent, distinct) so results stay identical.
 * Structural nodes (And/Or evaluate both operands, lazy Coalesce and If, queries) are emitted inline by the compiler
 * (tools/elm-compiler/); what they rely on is here too.
 */
import { createRequire } from 'node:module';
import { Code, Concept, Date as CqlDate, DateTime, Interval, Quantity } from 'cql-execution';
import { fastDistinct } from './distinct.js';
import {
  dateAdd,
  dateDifferenceBetween,
  dateDurationBetween,
  dateTimeDurationBetween,
  orderOf,
  sameValueOf,
} from './dates.js';
import { fhirIs, FhirValue, holdsFhir, toLegacy } from './fhir.js';

const require = createRequire(import.meta.url);
require('cql-execution');
// Plain module functions (no `this`), passed around as values.
const comparison = require('cql-execution/lib/util/comparison.js') as {
  equals: (a: any, b: any) => any;
  equivalent: (a: any, b: any) => any;
  lessThan: (a: any, b: any) => any;
  greaterThan: (a: any, b: any) => any;
};
const listLib = require('cql-execution/lib/elm/list.js');
const ivlLib = require('cql-execution/lib/elm/interval.js');
const logic = require('cql-execution/lib/datatypes/logic.js').ThreeValuedLogic;
const Uncertainty = require('cql-execution/lib/datatypes/uncertainty.js').Uncertainty;
const quantityLib = require('cql-execution/lib/datatypes/quantity.js');
const mathUtil = require('cql-execution/lib/util/math.js');

export { Code, Concept, CqlDate, DateTime, Interval, Quantity, FhirValue };

/* ---------- logic ---------- */
// ThreeValuedLogic.and/or of two values (false/true first, then null; undefined counts as neither).
export const and = (a: unknown, b: unknown): any =>
  a === false || b === false ? false : a === null || b === null ? null : true;
export const or = (a: unknown, b: unknown): any =>
  a === true || b === true ? true : a === null || b === null ? null : false;
export const not = (a: unknown): any => logic.not(a);
export const implies = (a: unknown, b: unknown): any => logic.implies(a, b);
export const xor = (a: unknown, b: unknown): any => logic.xor(a, b);

/* ---------- equality ---------- */
const unitsLib = require('cql-execution/lib/util/units.js') as {
  convertUnit(v: number, from: string, to: string): number | undefined;
};
// ucum-lhc's conversion costs microseconds a call, and a duplicate check compares every pair of doses: the answer is a
// pure function of the value and the two units, so it is kept (a bounded map, emptied when full).
const conversions = new Map<string, number | undefined>();
function convertUnit(value: number, from: string, to: string): number | undefined {
  const key = `${from}\u0000${to}\u0000${Object.is(value, -0) ? '-0' : String(value)}`;
  if (conversions.has(key)) return conversions.get(key);
  const converted = unitsLib.convertUnit(value, from, to);
  if (conversions.size >= 10_000) conversions.clear();
  conversions.set(key, converted);
  return converted;
}
/** Quantity.equals of cql-execution 3.3.2 (also what Quantity equivalence is), with the conversion above. */
function quantityEquals(a: Quantity, b: any): any {
  if (b != null && b.isQuantity) {
    if ((!a.unit && b.unit) || (a.unit && !b.unit)) return false;
    if (!a.unit && !b.unit) return a.value === b.value;
    if (typeof b.value !== 'number' || typeof b.unit !== 'string' || typeof a.unit !== 'string') return a.equals(b);
    const otherVal = convertUnit(b.value, b.unit, a.unit);
    if (otherVal == null) return null;
    return mathUtil.decimalAdjust('round', a.value, -8) === otherVal;
  }
  return undefined;
}
const isQuantity = (v: any): v is Quantity => v instanceof Quantity && v.constructor === Quantity;

export function equals(a: any, b: any): any {
  if (a == null || b == null) return null;
  if (typeof a === 'string' && typeof b === 'string') return a === b;
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (isQuantity(a)) return quantityEquals(a, holdsFhir(b) ? toLegacy(b) : b);
  if (Array.isArray(a) && Array.isArray(b)) {
    const same = primitiveListsEqual(a, b);
    if (same !== undefined) return same;
  }
  if (isTuple(a) && isTuple(b)) {
    const same = primitiveTuplesEqual(a, b);
    if (same !== undefined) return same;
  }
  const sameDate = sameValueOf(a, b);
  if (sameDate !== undefined) return sameDate;
  if (holdsFhir(a) || holdsFhir(b)) return comparison.equals(toLegacy(a), toLegacy(b));
  return comparison.equals(a, b);
}
/**
 * comparison.equals of two lists of strings, numbers and booleans: null when either holds a null, else the same length
 * and each pair strictly equal (what equals answers for two primitives); undefined for lists holding anything else.
 */
function primitiveListsEqual(a: any[], b: any[]): boolean | null | undefined {
  const hasNull = nullOrNotPrimitive(a);
  if (hasNull === undefined) return undefined;
  const bHasNull = nullOrNotPrimitive(b);
  if (bHasNull === undefined) return undefined;
  if (hasNull || bHasNull) return null;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
/** True when a list of primitives holds a null (or undefined), false when it holds none, undefined for any other item. */
function nullOrNotPrimitive(list: any[]): boolean | undefined {
  let hasNull = false;
  for (const x of list) {
    if (x == null) hasNull = true;
    else if (typeof x !== 'string' && typeof x !== 'number' && typeof x !== 'boolean') return undefined;
  }
  return hasNull;
}
/**
 * comparison.equals of two tuples whose fields are all strings, numbers, booleans or null (compareObjects: the same
 * keys; both null is true, one null makes the answer null unless a field differs, others strictly equal); undefined
 * for any other tuple, or one whose names would send comparison.equals elsewhere (isQuantity, isRatio, constructor,
 * a Symbol.toStringTag).
 */
function primitiveTuplesEqual(a: any, b: any): boolean | null | undefined {
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  for (const [o, keys] of [
    [a, aKeys],
    [b, bKeys],
  ] as const) {
    if (o[Symbol.toStringTag] !== undefined) return undefined;
    for (const k of keys) {
      const v = o[k];
      if (v != null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return undefined;
      if (k === 'isQuantity' || k === 'isRatio' || k === 'constructor') return undefined;
    }
  }
  if (aKeys.length !== bKeys.length) return false;
  let unknown = false;
  for (const k of aKeys) {
    if (!Object.prototype.propertyIsEnumerable.call(b, k)) return false;
    const x = a[k];
    const y = b[k];
    if (x == null && y == null) continue;
    if (x == null || y == null) unknown = true;
    else if (x !== y) return false;
  }
  return unknown ? null : true;
}
export function equal(a: any, b: any): any {
  if (a == null || b == null) return null;
  return equals(a, b);
}
export function notEqual(a: any, b: any): any {
  if (a == null || b == null) return null;
  return logic.not(equals(a, b));
}
// String equivalence is `localeCompare(b, 'en', { sensitivity: 'base' })`, which ECMA-402 defines as a new
// Intl.Collator with those arguments comparing the two: one collator, made once, gives the same answer.
const baseCollator = new Intl.Collator('en', { sensitivity: 'base' });
export function equivalent(a: any, b: any, codeService: any): any {
  if (a == null && b == null) return true;
  if (a == null || b == null) return false;
  if (typeof a === 'string' && typeof b === 'string') return stringsEquivalent(a, b);
  if (a.isValueSet && b.isValueSet && a.id === b.id && a.version === b.version) return true;
  if (a.isValueSet) a = resolveValueSet(a, codeService);
  if (b.isValueSet) b = resolveValueSet(b, codeService);
  if (isQuantity(a)) return quantityEquals(a, holdsFhir(b) ? toLegacy(b) : b);
  if (holdsFhir(a) || holdsFhir(b)) return comparison.equivalent(toLegacy(a), toLegacy(b));
  return equivalentValues(a, b);
}
const stringsEquivalent = (a: string, b: string): boolean =>
  a === b || baseCollator.compare(a.replace(/\s/g, ' '), b.replace(/\s/g, ' ')) === 0;
const isTuple = (v: any): boolean =>
  v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;
/**
 * cql-execution's `equivalent` (util/comparison.js) on values holding no FHIR object, with its cases for strings,
 * numbers, quantities and tuples (compareObjects: the same own non-function keys, values equivalent, null when one
 * is unknown) done here, so a tuple's fields take them too.
 */
function equivalentValues(a: any, b: any): any {
  if (a == null && b == null) return true;
  if (a == null || b == null) return false;
  if (typeof a === 'string' && typeof b === 'string') return stringsEquivalent(a, b);
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (isQuantity(a)) return quantityEquals(a, b);
  if (isTuple(a) && isTuple(b)) {
    const aKeys = Object.keys(a)
      .filter((k) => !isFunction(a[k]))
      .sort();
    const bKeys = Object.keys(b)
      .filter((k) => !isFunction(b[k]))
      .sort();
    if (aKeys.length !== bKeys.length || !aKeys.every((k, i) => k === bKeys[i])) return false;
    let unknown = false;
    const all = aKeys.every((k) => {
      if (a[k] == null && b[k] == null) return true;
      const r = equivalentValues(a[k], b[k]);
      if (r === null) {
        unknown = true;
        return true;
      }
      return r;
    });
    return all && unknown ? null : all;
  }
  return comparison.equivalent(a, b);
}
const isFunction = (v: unknown): boolean => v instanceof Function || {}.toString.call(v) === '[object Function]';

export function resolveValueSet(vs: any, codeService: any): any {
  const expansion = codeService.findValueSet(vs.id, vs.version);
  if (!expansion) throw new Error(`Unable to resolve expected valueset with id ${vs.id} and version ${vs.version}`);
  return expansion;
}

/* ---------- lists ---------- */
function doContains(container: any[], item: any): boolean {
  if (typeof item === 'string' || typeof item === 'number') {
    // equals of a string or number with anything: strict equality for its own type, else through comparison.equals.
    for (const element of container) {
      if (element === item) return true;
      if (element != null && typeof element === 'object' && equals(element, item)) return true;
    }
    return false;
  }
  return container.some((element) => equals(element, item) || (element == null && item == null));
}
export function inList(item: any, container: any, precision?: string): any {
  if (container == null) return false;
  if (Array.isArray(container)) return doContains(container, item);
  if (item == null) return null;
  return ivlLib.doContains(container, item, precision);
}
export function contains(container: any, item: any, precision?: string): any {
  return inList(item, container, precision);
}
export function includes(container: any, contained: any, precision?: string): any {
  if (container == null || contained == null) return null;
  if (Array.isArray(container)) return contained.every((x: any) => doContains(container, x));
  return ivlLib.doIncludes(container, contained, precision);
}
export function exists(list: any): boolean {
  if (list) return list.some((item: any) => item != null);
  return false;
}

/** cql-execution's `toDistinctList`: src/engine/runtime/distinct.ts's fast paths (proven identical), else the original. */
export function distinctList(list: any[]): any[] {
  // Zero or one element: nothing to compare (cql-execution returns the element, whatever its key).
  if (list.length <= 1) return list.length === 0 ? [] : [list[0]];
  const fast = fastDistinct(list);
  if (fast !== undefined) return fast;
  if (!list.some(holdsFhir)) return listLib.toDistinctList(list);
  const legacy = list.map(toLegacy);
  const kept: any[] = listLib.toDistinctList(legacy);
  const index = new Map(legacy.map((v, i) => [v, i]));
  return kept.map((v) => list[index.get(v)!]);
}
function removeDuplicateNulls(list: any[]): any[] {
  let firstNull = false;
  const out: any[] = [];
  for (const item of list) {
    if (item !== null) out.push(item);
    else if (!firstNull) {
      out.push(item);
      firstNull = true;
    }
  }
  return out;
}
export function union(a: any, b: any, listTyped: boolean): any {
  if (a == null && b == null) return listTyped ? [] : null;
  if (a == null || b == null) {
    const notNull = a || b;
    return Array.isArray(notNull) ? notNull : null;
  }
  if (Array.isArray(a)) return removeDuplicateNulls(distinctList(a.concat(b)));
  return ivlLib.doUnion(a, b);
}
export function distinct(list: any): any {
  if (list == null) return null;
  return distinctList(list);
}
export function first(src: any): any {
  return src != null && Array.isArray(src) && src.length > 0 ? src[0] : null;
}
export function last(src: any): any {
  return src != null && Array.isArray(src) && src.length > 0 ? src[src.length - 1] : null;
}
export function flatten(arg: any): any {
  if (Array.isArray(arg) && arg.every((x) => Array.isArray(x)))
    return arg.reduce((x: any[], y: any[]) => x.concat(y), []);
  return arg;
}
export function singletonFrom(arg: any): any {
  if (arg != null && arg.length > 1) throw new Error("IllegalArgument: 'SingletonFrom' requires a 0 or 1 arg array");
  if (arg != null && arg.length === 1) return arg[0];
  return null;
}
export function toList(arg: any): any[] {
  return arg != null ? [arg] : [];
}
export function indexOf(src: any, el: any): any {
  if (src == null || el == null) return null;
  for (let i = 0; i < src.length; i++) if (equals(src[i], el)) return i;
  return -1;
}
export function indexer(operand: any, index: any): any {
  if (operand == null || index == null) return null;
  if (index < 0 || index >= operand.length) return null;
  return operand[index];
}
export function slice(src: any, startIndex: () => any, endIndex: () => any): any {
  if (src != null && Array.isArray(src)) {
    const s = startIndex();
    const e = endIndex();
    const start = s != null ? s : 0;
    const end = e != null ? e : src.length;
    if (src.length === 0 || start < 0 || end < 0 || end < start) return [];
    return src.slice(start, end);
  }
  return null;
}
export function length(arg: any): any {
  return arg != null ? arg.length : null;
}

/* ---------- aggregates ---------- */
const removeNulls = (things: any[]): any[] => things.filter((x) => x != null);
function processQuantities(values: any[]): any[] {
  const items = removeNulls(values);
  if (items.every((x) => x.isQuantity)) return items.map((q) => q.convertUnit(items[0].unit));
  if (items.some((x) => x.isQuantity))
    throw new Error('Cannot perform aggregate operations on mixed values of Quantities and non Quantities');
  return items;
}
export function count(items: any): number {
  return Array.isArray(items) ? removeNulls(items).length : 0;
}
export function sum(items: any): any {
  if (!Array.isArray(items)) return null;
  try {
    items = processQuantities(items);
  } catch {
    return null;
  }
  if (items.length === 0) return null;
  if (items.every((x: any) => x.isQuantity)) {
    const s = items.map((q: any) => q.value).reduce((x: number, y: number) => x + y);
    return new Quantity(s, items[0].unit);
  }
  return items.reduce((x: any, y: any) => x + y);
}
function extreme(list: any, better: (a: any, b: any) => any): any {
  if (list == null) return null;
  const without = removeNulls(list);
  try {
    processQuantities(list);
  } catch {
    return null;
  }
  if (without.length === 0) return null;
  let best = without[0];
  for (const element of without) if (better(element, best)) best = element;
  return best;
}
// comparison.lessThan/greaterThan of two Dates (or DateTimes at one offset) is their before/after: done without it.
const lessThan = (a: any, b: any): any => {
  const fast = orderOf(a, b, false);
  return fast !== undefined ? fast : comparison.lessThan(a, b);
};
const greaterThan = (a: any, b: any): any => {
  const fast = orderOf(a, b, true);
  return fast !== undefined ? fast : comparison.greaterThan(a, b);
};
export const min = (list: any): any => extreme(list, lessThan);
export const max = (list: any): any => extreme(list, greaterThan);
export function allTrue(items: any): any {
  if (items == null) return true;
  return removeNulls(items).every((x) => x);
}
export function anyTrue(items: any): any {
  if (items == null) return false;
  return items.some((x: any) => x);
}

/* ---------- comparison ---------- */
// For two Dates (or DateTimes at one offset) each is a point Uncertainty, whose comparison is the values' before:
// a < b is a.before(b), a > b is b.before(a), and <=, >= their negations (null stays null).
export function less(a: any, b: any): any {
  if (typeof a === 'number' && typeof b === 'number') return a < b;
  const fast = orderOf(a, b, false);
  if (fast !== undefined) return fast;
  const x = Uncertainty.from(a);
  const y = Uncertainty.from(b);
  if (x == null || y == null) return null;
  return x.lessThan(y);
}
export function greater(a: any, b: any): any {
  if (typeof a === 'number' && typeof b === 'number') return a > b;
  const fast = orderOf(b, a, false);
  if (fast !== undefined) return fast;
  return Uncertainty.from(a).greaterThan(Uncertainty.from(b));
}
export function lessOrEqual(a: any, b: any): any {
  if (typeof a === 'number' && typeof b === 'number') return a <= b;
  const fast = orderOf(b, a, false);
  if (fast !== undefined) return fast === null ? null : !fast;
  return Uncertainty.from(a).lessThanOrEquals(Uncertainty.from(b));
}
export function greaterOrEqual(a: any, b: any): any {
  if (typeof a === 'number' && typeof b === 'number') return a >= b;
  const fast = orderOf(a, b, false);
  if (fast !== undefined) return fast === null ? null : !fast;
  return Uncertainty.from(a).greaterThanOrEquals(Uncertainty.from(b));
}
const lower = (p: string | undefined): string | undefined => (p != null ? p.toLowerCase() : undefined);
export function sameAs(a: any, b: any, precision?: string): any {
  return a != null && b != null ? a.sameAs(b, lower(precision)) : null;
}
export function sameOrBefore(a: any, b: any, precision?: string): any {
  return a != null && b != null ? a.sameOrBefore(b, lower(precision)) : null;
}
export function sameOrAfter(a: any, b: any, precision?: string): any {
  return a != null && b != null ? a.sameOrAfter(b, lower(precision)) : null;
}

/* ---------- arithmetic ---------- */
const over = (v: any): any => (mathUtil.overflowsOrUnderflows(v) ? null : v);
function lift(x: any, y: any): [any, any] {
  if (x.isUncertainty && !y.isUncertainty) y = new Uncertainty(y, y);
  else if (y.isUncertainty && !x.isUncertainty) x = new Uncertainty(x, x);
  return [x, y];
}
export function add(a: any, b: any): any {
  if (a == null || b == null) return null;
  if (typeof a === 'number' && typeof b === 'number') return over(a + b);
  if (a instanceof CqlDate && b.isQuantity) {
    const r = dateAdd(a, b.value, b.unit);
    if (r !== undefined) return r;
  }
  const [x, y] = lift(a, b);
  if (x.isQuantity || x.isDateTime || x.isDate || (x.isTime && x.isTime())) return over(quantityLib.doAddition(x, y));
  if (x.isUncertainty && y.isUncertainty) {
    if (x.low.isQuantity || x.low.isDateTime || x.low.isDate || (x.low.isTime && x.low.isTime())) {
      return over(new Uncertainty(quantityLib.doAddition(x.low, y.low), quantityLib.doAddition(x.high, y.high)));
    }
    return over(new Uncertainty(x.low + y.low, x.high + y.high));
  }
  return over(x + y);
}
export function subtract(a: any, b: any): any {
  if (a == null || b == null) return null;
  if (typeof a === 'number' && typeof b === 'number') return over(a - b);
  if (a instanceof CqlDate && b.isQuantity) {
    const r = dateAdd(a, b.value * -1, b.unit);
    if (r !== undefined) return r;
  }
  const [x, y] = lift(a, b);
  if (x.isQuantity || x.isDateTime || x.isDate) return over(quantityLib.doSubtraction(x, y));
  if (x.isUncertainty && y.isUncertainty) {
    if (x.low.isQuantity || x.low.isDateTime || x.low.isDate) {
      return over(new Uncertainty(quantityLib.doSubtraction(x.low, y.high), quantityLib.doSubtraction(x.high, y.low)));
    }
    return over(new Uncertainty(x.low - y.high, x.high - y.low));
  }
  return over(x - y);
}
export function multiply(a: any, b: any): any {
  if (a == null || b == null) return null;
  if (typeof a === 'number' && typeof b === 'number') return over(a * b);
  const [x, y] = lift(a, b);
  if (x.isQuantity || y.isQuantity) return over(quantityLib.doMultiplication(x, y));
  if (x.isUncertainty && y.isUncertainty) {
    if (x.low.isQuantity)
      return over(
        new Uncertainty(quantityLib.doMultiplication(x.low, y.low), quantityLib.doMultiplication(x.high, y.high)),
      );
    return over(new Uncertainty(x.low * y.low, x.high * y.high));
  }
  return over(x * y);
}
export function divide(a: any, b: any): any {
  if (a == null || b == null) return null;
  if (typeof a === 'number' && typeof b === 'number') return over(a / b);
  const [x, y] = lift(a, b);
  if (x.isQuantity) return over(quantityLib.doDivision(x, y));
  if (x.isUncertainty && y.isUncertainty) {
    if (x.low.isQuantity)
      return over(new Uncertainty(quantityLib.doDivision(x.low, y.high), quantityLib.doDivision(x.high, y.low)));
    return over(new Uncertainty(x.low / y.high, x.high / y.low));
  }
  return over(x / y);
}
export function truncatedDivide(a: any, b: any): any {
  if (a == null || b == null) return null;
  const q = a / b;
  return over(q >= 0 ? Math.floor(q) : Math.ceil(q));
}
export function power(a: any, b: any): any {
  if (a == null || b == null) return null;
  return over(Math.pow(a, b));
}
export function abs(a: any): any {
  if (a == null) return null;
  if (a.isQuantity) return new Quantity(Math.abs(a.value), a.unit);
  return Math.abs(a);
}
export function negate(a: any): any {
  if (a == null) return null;
  if (a.isQuantity) return new Quantity(a.value * -1, a.unit);
  return a * -1;
}

/* ---------- strings ---------- */
export function concatenate(...args: any[]): any {
  if (args.some((x) => x == null)) return null;
  return args.reduce((x, y) => x + y);
}
export function combine(source: any, separator: any): any {
  if (source == null) return null;
  const filtered = source.filter((x: any) => x != null);
  return filtered.length === 0 ? null : filtered.join(separator);
}
export function split(s: any, separator: any): any {
  if (s && separator) return s.split(separator);
  return s ? [s] : null;
}
export const lowerCase = (s: any): any => (s != null ? s.toLowerCase() : null);
export const upperCase = (s: any): any => (s != null ? s.toUpperCase() : null);
export function positionOf(pattern: any, s: any): any {
  return pattern == null || s == null ? null : s.indexOf(pattern);
}
export function lastPositionOf(pattern: any, s: any): any {
  return pattern == null || s == null ? null : s.lastIndexOf(pattern);
}
// Compiled patterns by pattern text, one map per use (no key is concatenated: a long pattern's hash is computed once
// per string). Bounded: cleared when full (patterns can come from data).
const anchored = new Map<string, RegExp>();
const globalPatterns = new Map<string, RegExp>();
function cachedRegex(cache: Map<string, RegExp>, pattern: string): RegExp {
  let r = cache.get(pattern);
  if (r === undefined) {
    r = cache === anchored ? new RegExp(`^${pattern}$`) : new RegExp(pattern, 'g');
    if (cache.size > 5000) cache.clear();
    cache.set(pattern, r);
  }
  return r;
}
export function matches(s: any, pattern: any): any {
  if (s == null || pattern == null) return null;
  const p = String(pattern);
  // Not global: test() ignores lastIndex.
  return cachedRegex(anchored, p).test(s);
}
export function replaceMatches(s: any, pattern: any, substitution: any): any {
  if (s == null || pattern == null || substitution == null) return null;
  // A global RegExp given to String.prototype.replace starts from index 0 whatever its lastIndex.
  const p = String(pattern);
  return s.replace(cachedRegex(globalPatterns, p), substitution.replace(/\\\$/g, '$$'));
}
export function substring(s: any, startIndex: any, len: any): any {
  if (s == null || startIndex == null || startIndex < 0 || startIndex >= s.length) return null;
  return len != null ? s.substr(startIndex, len) : s.substr(startIndex);
}
export function startsWith(s: any, prefix: any): any {
  if (s == null || prefix == null) return null;
  return s.slice(0, prefix.length) === prefix;
}
export function endsWith(s: any, suffix: any): any {
  if (s == null || suffix == null) return null;
  return suffix === '' || s.slice(-suffix.length) === suffix;
}

/* ---------- conversions ---------- */
export const toStringOp = (arg: any): any => (arg != null ? arg.toString() : null);
export function toInteger(arg: any): any {
  if (typeof arg === 'string') {
    const integer = parseInt(arg);
    if (mathUtil.isValidInteger(integer)) return integer;
  } else if (typeof arg === 'boolean') return arg ? 1 : 0;
  return null;
}
export function toDecimal(arg: any): any {
  if (arg != null) {
    if (arg.isUncertainty) {
      return new Uncertainty(
        mathUtil.limitDecimalPrecision(parseFloat(arg.low.toString())),
        mathUtil.limitDecimalPrecision(parseFloat(arg.high.toString())),
      );
    }
    const decimal = mathUtil.limitDecimalPrecision(parseFloat(arg.toString()));
    if (mathUtil.isValidDecimal(decimal)) return decimal;
  }
  return null;
}
export function toDateTime(arg: any, executionDateTime: any): any {
  if (arg == null) return null;
  if (arg.isDate) return arg.getDateTime(executionDateTime.timezoneOffset);
  return DateTime.parse(arg.toString());
}
export function toDate(arg: any): any {
  if (arg == null) return null;
  if (arg.isDateTime) return arg.getDate();
  return CqlDate.parse(arg.toString());
}
export function toConcept(arg: any): any {
  return arg != null ? new Concept([arg], arg.display) : null;
}

/* ---------- dates ---------- */
export function dateFrom(d: any): any {
  return d != null ? d.getDate() : null;
}
export function component(d: any, precision: string): any {
  return d != null ? d[precision] : null;
}
export function timezoneOffsetFrom(d: any): any {
  return d != null ? d.timezoneOffset : null;
}
export function durationBetween(a: any, b: any, precision?: string): any {
  if (a == null || b == null || typeof a.durationBetween !== 'function' || typeof b.durationBetween !== 'function')
    return null;
  const unit = lower(precision);
  const fast = a instanceof CqlDate ? dateDurationBetween(a, b, unit) : dateTimeDurationBetween(a, b, unit);
  if (fast !== undefined) return fast;
  const result = a.durationBetween(b, lower(precision));
  return result != null && result.isPoint() ? result.low : result;
}
export function differenceBetween(a: any, b: any, precision?: string): any {
  if (a == null || b == null || typeof a.differenceBetween !== 'function' || typeof b.differenceBetween !== 'function')
    return null;
  const fast = dateDifferenceBetween(a, b, lower(precision));
  if (fast !== undefined) return fast;
  const result = a.differenceBetween(b, lower(precision));
  return result != null && result.isPoint() ? result.low : result;
}

/* ---------- types ---------- */
const SYSTEM = '{urn:hl7-org:elm-types:r1}';

/** Context.matchesTypeSpecifier of cql-execution (function overloads, `as`, `is`). */
export function matchesType(val: any, spec: any): boolean {
  switch (spec.type) {
    case 'NamedTypeSpecifier':
      return matchesNamed(val, spec);
    case 'ListTypeSpecifier':
      return Array.isArray(val) && val.every((x) => matchesType(x, spec.elementType));
    case 'TupleTypeSpecifier':
      return (
        val != null &&
        typeof val === 'object' &&
        !Array.isArray(val) &&
        !val.isInterval &&
        !val.isConcept &&
        !val.isCode &&
        !val.isDateTime &&
        !val.isDate &&
        !val.isQuantity &&
        spec.element.every((x: any) => typeof val[x.name] === 'undefined' || matchesType(val[x.name], x.elementType))
      );
    case 'IntervalTypeSpecifier':
      return (
        val.isInterval &&
        (val.low == null || matchesType(val.low, spec.pointType)) &&
        (val.high == null || matchesType(val.high, spec.pointType))
      );
    case 'ChoiceTypeSpecifier':
      return spec.choice.some((c: any) => matchesType(val, c));
    default:
      return true;
  }
}
function matchesNamed(val: any, spec: any): boolean {
  if (val == null) return true;
  switch (spec.name) {
    case `${SYSTEM}Boolean`:
      return typeof val === 'boolean';
    case `${SYSTEM}Decimal`:
      return typeof val === 'number';
    case `${SYSTEM}Integer`:
      return typeof val === 'number' && Math.floor(val) === val;
    case `${SYSTEM}String`:
      return typeof val === 'string';
    case `${SYSTEM}Concept`:
      return val && val.isConcept;
    case `${SYSTEM}Code`:
      return val && val.isCode;
    case `${SYSTEM}DateTime`:
      return val && val.isDateTime;
    case `${SYSTEM}Date`:
      return val && val.isDate;
    case `${SYSTEM}Quantity`:
      return val && val.isQuantity;
    case `${SYSTEM}Time`:
      return val && val.isTime && val.isTime();
    default:
      if (val instanceof FhirValue) return fhirIs(val, spec);
      if (typeof val._is === 'function') return val._is(spec);
      if (Array.isArray(val) || val.isInterval) return false;
      return true;
  }
}
export function as(val: any, spec: any, strict: boolean): any {
  if (val == null) return null;
  if (matchesType(val, spec)) return val;
  if (strict) throw new Error(`Cannot cast as ${JSON.stringify(spec)}`);
  return null;
}
export function is(val: any, spec: any): any {
  if (val !== null && typeof val !== 'undefined') return matchesType(val, spec);
  return false;
}

/* ---------- queries ---------- */
const isUndefined = (e: unknown): boolean => e === undefined;
/**
 * cql-execution's sort: a top-down merge sort taking the left element when the comparator answers <= 0, and dropping
 * an absent element (`isAbsent`; by default `undefined`) in the merge loop only, as cql-execution does.
 */
export function mergeSort<T>(
  arr: T[],
  compare: (a: T, b: T) => number,
  isAbsent: (e: T) => boolean = isUndefined,
): T[] {
  if (arr.length <= 1) return arr;
  const mid = Math.floor(arr.length / 2);
  const left = mergeSort(arr.slice(0, mid), compare, isAbsent);
  const right = mergeSort(arr.slice(mid), compare, isAbsent);
  const sorted: T[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    if (compare(left[i]!, right[j]!) <= 0) {
      const e = left[i++]!;
      if (!isAbsent(e)) sorted.push(e);
    } else {
      const e = right[j++]!;
      if (!isAbsent(e)) sorted.push(e);
    }
  }
  while (i < left.length) sorted.push(left[i++]!);
  while (j < right.length) sorted.push(right[j++]!);
  return sorted;
}
/** ByExpression / ByColumn comparison of two sort keys. */
export function compareKeys(a: any, b: any, ascending: boolean): number {
  const lo = ascending ? -1 : 1;
  const hi = -lo;
  if (a === b || (a == null && b == null)) return 0;
  if (a == null || b == null) return a == null ? lo : hi;
  if (a.isQuantity && b.isQuantity) return a.before(b) ? lo : hi;
  return a < b ? lo : hi;
}
/** ByDirection comparison of two rows. */
export function compareRows(a: any, b: any, ascending: boolean): number {
  const lo = ascending ? -1 : 1;
  const hi = -lo;
  if (a === b) return 0;
  if (a.isQuantity && b.isQuantity) return a.before(b) ? lo : hi;
  return a < b ? lo : hi;
}

/* ---------- constructors ---------- */
export function interval(low: any, high: any, lowClosed: any, highClosed: any, defaultPointType?: string): any {
  return new Interval(low, high, lowClosed, highClosed, defaultPointType);
}
export function instance(classType: string, obj: any): any {
  switch (classType) {
    case `${SYSTEM}Quantity`:
      return new Quantity(obj.value, obj.unit);
    case `${SYSTEM}Code`:
      return new Code(obj.code, obj.system, obj.version, obj.display);
    case `${SYSTEM}Concept`:
      return new Concept(obj.codes, obj.display);
    default:
      return obj;
  }
}

/** Coalesce of one operand: the first non-null element of a list, else the value itself when not null. */
export function coalesceList(r: any): any {
  return Array.isArray(r) ? (r.find((i) => i != null) ?? null) : r != null ? r : null;
}
