/**
 * src/cql/distinct.ts: cql-execution's de-duplication with fast paths must keep exactly the elements, in the order,
 * that the original keeps; and it must be the one the engine's evaluations call.
 */
import { createRequire } from 'node:module';
import fc from 'fast-check';
import * as cqlExecution from 'cql-execution';
import { Date as CqlDate, DateTime as CqlDateTime, Interval } from 'cql-execution';
import { createCqlEngine } from '../../../src/cql/engine.js';
import { canonicalKey, distinctPrimitives, installFastDistinct, originalDistinct } from '../../../src/cql/distinct.js';

const require = createRequire(import.meta.url);

const primitive = fc.oneof(
  fc.constantFrom(null, undefined, true, false, 0, -0, 1, 1.5, Number.NaN, '', 'a', 'A', '"', 'N', 's"a"', 'S-ECOG-POOR', 'Condition/1'),
  fc.string({ maxLength: 3 }),
  fc.integer({ min: -3, max: 3 }),
);

// CQL dates as the engine makes them: the same instant written at different offsets, partial dates, dates.
const cqlDate = fc.oneof(
  fc.constantFrom('2026-11-23', '2026-11-23T10:00:00Z', '2026-11-23T12:00:00+02:00', '2026-11-23T10:00:00.000Z', '2026-11', '2026')
    .map((s) => CqlDateTime.parse(s)),
  fc.constantFrom([2026, 11, 23], [2026, 11, 24], [2026, 11, null]).map(([y, m, d]) => new CqlDate(y, m, d)),
);

/** Values like the tuples of the pathway libraries: fields of primitives, dates, lists and nested tuples. */
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, primitive, cqlDate, tie('tuple'), fc.array(tie('value'), { maxLength: 3 })),
  tuple: fc.dictionary(fc.constantFrom('id', 'role', 'date', 'notes', 'x'), tie('value'), { maxKeys: 4 }),
})).value;

/** A list with repeats: some elements picked again, as copies (equal, not the same object) or as themselves. */
const listWithRepeats = (item: fc.Arbitrary<unknown>): fc.Arbitrary<unknown[]> =>
  fc.array(item, { minLength: 1, maxLength: 6 }).chain((pool) =>
    fc.array(fc.tuple(fc.nat(pool.length - 1), fc.boolean()), { maxLength: 10 }).map((picks) =>
      picks.map(([i, copy]) => (copy ? copyOf(pool[i]) : pool[i]))));

function copyOf(v: unknown): unknown {
  if (v instanceof CqlDateTime) return CqlDateTime.parse(v.toString());
  if (v instanceof CqlDate) return new CqlDate(v.year, v.month, v.day);
  if (Array.isArray(v)) return v.map(copyOf);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copyOf(x)]));
  return v;
}

/** The same elements (the very objects), in the same order. */
const sameElements = (a: readonly unknown[], b: readonly unknown[]): boolean => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

test('on lists of primitives it keeps what cql-execution keeps, in the same order', () => {
  const original = originalDistinct();
  fc.assert(fc.property(fc.array(primitive, { maxLength: 12 }), (list) => {
    expect(distinctPrimitives(list)).toEqual(original(list));
  }), { numRuns: 2000 });
});

test('on lists of tuples, dates and nested lists it keeps the very elements cql-execution keeps', () => {
  installFastDistinct();
  const list = require('cql-execution/lib/elm/list.js') as { toDistinctList: (l: unknown[]) => unknown[] };
  const original = originalDistinct();
  fc.assert(fc.property(listWithRepeats(value), (items) => {
    expect(sameElements(list.toDistinctList(items), original(items))).toBe(true);
  }), { numRuns: 3000 });
});

test('the same instant at two offsets is one DateTime, as cql-execution normalizes it; other classes have no key', () => {
  expect(canonicalKey(CqlDateTime.parse('2026-11-23T12:00:00+02:00'))).toBe(canonicalKey(CqlDateTime.parse('2026-11-23T10:00:00Z')));
  expect(canonicalKey({ a: CqlDateTime.parse('2026-11-23') })).not.toBe(canonicalKey({ a: new CqlDate(2026, 11, 23) }));
  expect(canonicalKey(new Interval(1, 2))).toBeUndefined();
  expect(canonicalKey({ length: 1, 0: 'x' })).toBeUndefined();
});

test('the engine installs it where cql-execution looks it up, and other lists still take the original path', () => {
  createCqlEngine({ resultCacheSize: 0 });
  installFastDistinct(); // idempotent
  // The module the engine's own `import 'cql-execution'` loaded (one instance for both).
  expect(require('cql-execution').Executor).toBe(cqlExecution.Executor);
  const list = require('cql-execution/lib/elm/list.js') as { toDistinctList: (l: unknown[]) => unknown[] };
  expect(list.toDistinctList).not.toBe(originalDistinct());
  const intervals = [new Interval(1, 2), new Interval(1, 2), new Interval(2, 3)];
  expect(sameElements(list.toDistinctList(intervals), originalDistinct()(intervals))).toBe(true);
  expect(list.toDistinctList(intervals)).toHaveLength(2);
  expect(list.toDistinctList(['x', null, 'x', undefined, 'y'])).toEqual(['x', null, 'y']);
  expect(list.toDistinctList([])).toEqual([]);
});
