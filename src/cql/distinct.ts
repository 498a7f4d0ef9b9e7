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
 * in order, exactly as before. Any other list goes to the original. Tested against it in
 * test/unit/cql/distinct.test.ts.
 */
import { createRequire } from 'node:module';

type Distinct = (list: readonly unknown[]) => unknown[];

const INSTALLED = Symbol.for('sts-pathway-cds.fast-distinct');
const require = createRequire(import.meta.url);

const isPrimitive = (v: unknown): boolean => v === null || (typeof v !== 'object' && typeof v !== 'function');

/** The first occurrence of each value of a list of primitives (null and undefined are one value), in order. */
export function distinctPrimitives(list: readonly unknown[]): unknown[] {
  const seen = new Set<unknown>();
  const out: unknown[] = [];
  for (const v of list) {
    const key = v === undefined ? null : v;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(v);
    }
  }
  return out;
}

/** cql-execution's own `toDistinctList` (for the tests), whether or not the fast path is installed. */
export function originalDistinct(): Distinct {
  const list = listModule();
  const current = Reflect.get(list, 'toDistinctList') as Distinct & { [INSTALLED]?: Distinct };
  return current[INSTALLED] ?? current;
}

/** Replaces cql-execution's `toDistinctList` by one with a fast path for empty and primitive lists. Idempotent. */
export function installFastDistinct(): void {
  const list = listModule();
  const original: unknown = Reflect.get(list, 'toDistinctList');
  if (typeof original !== 'function') throw new Error('cql-execution: elm/list toDistinctList not found (version changed?)');
  if (INSTALLED in original) return;
  const fallback = original as Distinct;
  const fast: Distinct = (items) => {
    if (items.length === 0) return [];
    return items.every(isPrimitive) ? distinctPrimitives(items) : fallback(items);
  };
  Object.defineProperty(fast, INSTALLED, { value: fallback });
  // Every caller reads it from the module's exports at call time (`(0, list_1.toDistinctList)(...)`).
  Object.defineProperty(list, 'toDistinctList', { value: fast, writable: true, configurable: true, enumerable: true });
}

function listModule(): object {
  // The package's entry first: lib/elm/list.js alone would load the ELM classes in the wrong order.
  require('cql-execution');
  const list: unknown = require('cql-execution/lib/elm/list.js');
  if (typeof list !== 'object' || list === null) throw new Error('cql-execution: elm/list not found (version changed?)');
  return list;
}
