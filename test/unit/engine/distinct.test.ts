/**
 * src/engine/runtime/distinct.ts: cql-execution's de-duplication with fast paths must keep exactly the elements, in the order,
 * that the original keeps; and it must be the one the engine's evaluations call.
 */
import { createRequire } from 'node:module';
import fc from 'fast-check';
import * as cqlExecution from 'cql-execution';
import { Date as CqlDate, DateTime as CqlDateTime, Interval } from 'cql-execution';
import { createCqlEngine } from '../../../src/cql/engine.js';
import {
  allDistinctByAField,
  canonicalKey,
  distinctPrimitives,
  distinctRows,
  fastDistinct,
  installFastDistinct,
  originalDistinct,
} from '../../../src/engine/runtime/distinct.js';

const require = createRequire(import.meta.url);

const primitive = fc.oneof(
  fc.constantFrom(
    null,
    undefined,
    true,
    false,
    0,
    -0,
    1,
    1.5,
    Number.NaN,
    '',
    'a',
    'A',
    '"',
    'N',
    's"a"',
    'S-ECOG-POOR',
    'Condition/1',
  ),
  fc.string({ maxLength: 3 }),
  fc.integer({ min: -3, max: 3 }),
);

// CQL dates as the engine makes them: the same instant written at different offsets, partial dates, dates.
const cqlDate = fc.oneof(
  fc
    .constantFrom(
      '2026-11-23',
      '2026-11-23T10:00:00Z',
      '2026-11-23T12:00:00+02:00',
      '2026-11-23T10:00:00.000Z',
      '2026-11',
      '2026',
    )
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
  fc
    .array(item, { minLength: 1, maxLength: 6 })
    .chain((pool) =>
      fc
        .array(fc.tuple(fc.nat(pool.length - 1), fc.boolean()), { maxLength: 10 })
        .map((picks) => picks.map(([i, copy]) => (copy ? copyOf(pool[i]) : pool[i]))),
    );

function copyOf(v: unknown): unknown {
  if (v instanceof CqlDateTime) return CqlDateTime.parse(v.toString());
  if (v instanceof CqlDate) return new CqlDate(v.year, v.month, v.day);
  if (Array.isArray(v)) return v.map(copyOf);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copyOf(x)]));
  return v;
}

/** The same elements (the very objects), in the same order. */
const sameElements = (a: readonly unknown[], b: readonly unknown[]): boolean =>
  a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

test('on lists of primitives it keeps what cql-execution keeps, in the same order', () => {
  const original = originalDistinct();
  fc.assert(
    fc.property(fc.array(primitive, { maxLength: 12 }), (list) => {
      expect(distinctPrimitives(list)).toEqual(original(list));
    }),
    { numRuns: 2000 },
  );
});

test('on lists of tuples, dates and nested lists it keeps the very elements cql-execution keeps', () => {
  installFastDistinct();
  const list = require('cql-execution/lib/elm/list.js') as { toDistinctList: (l: unknown[]) => unknown[] };
  const original = originalDistinct();
  fc.assert(
    fc.property(listWithRepeats(value), (items) => {
      expect(sameElements(list.toDistinctList(items), original(items))).toBe(true);
    }),
    { numRuns: 3000 },
  );
});

test('on rows (keys in one order or several, shapes mixed) it keeps the very elements cql-execution keeps', () => {
  const original = originalDistinct();
  // Rows of one query: the same keys in the same order; now and then a row with its keys in another order or missing
  // one. Fields are primitives, dates and date-times (at offsets), lists and nested tuples.
  const field = fc.oneof(primitive, primitive, cqlDate, value);
  const row = fc.tuple(field, field, field, fc.integer({ min: 0, max: 9 })).map(([a, b, c, shape]) => {
    if (shape === 0) return { role: b, id: a, n: c };
    if (shape === 1) return { id: a, role: b };
    return { id: a, role: b, n: c };
  });
  fc.assert(
    fc.property(listWithRepeats(row), (items) => {
      expect(sameElements(fastDistinct(items) ?? original(items), original(items))).toBe(true);
      const rows = distinctRows(items);
      if (rows !== undefined) expect(sameElements(rows, original(items))).toBe(true);
    }),
    { numRuns: 3000 },
  );
  // The fast path is taken for rows in one order, and not for a row with another order or a non-primitive value.
  expect(
    distinctRows([
      { id: 'a', n: 1 },
      { id: 'a', n: 1.0 },
      { id: 'a', n: -0 },
      { id: 'a', n: 0 },
    ]),
  ).toHaveLength(2);
  expect(
    distinctRows([
      { id: 's1:x', n: null },
      { id: 's1:x', n: undefined },
      { id: 's1:xN', n: undefined },
    ]),
  ).toHaveLength(2);
  // Keys in another order are the same key set: one row.
  expect(
    distinctRows([
      { id: 'a', n: 1 },
      { n: 1, id: 'a' },
    ]),
  ).toHaveLength(1);
  expect(
    distinctRows([{ id: 'a', n: 1 }, { id: 'a', m: 1 }, { n: 1, id: 'a' }, { id: 'a' }, { id: 'a', n: 1, m: 1 }]),
  ).toHaveLength(4);
  expect(
    distinctRows([
      { id: 'a', d: new CqlDate(2026, 1, 1) },
      { id: 'a', d: new CqlDate(2026, 1, 1) },
    ]),
  ).toHaveLength(1);
  const at = (s: string): unknown => CqlDateTime.parse(s);
  expect(
    distinctRows([{ d: at('2026-11-23T10:00:00Z') }, { d: at('2026-11-23T10:00:00Z') }, { d: at('2026-11-23') }]),
  ).toHaveLength(2);
  expect(distinctRows([{ d: at('2026-11-23T12:00:00+02:00') }, { d: at('2026-11-23T10:00:00Z') }])).toBeUndefined();
});

test('tuples told apart by one field are all kept, as cql-execution keeps them; a repeat anywhere takes another path', () => {
  const original = originalDistinct();
  const field = fc.oneof(primitive, cqlDate, value);
  // Rows whose `source` is unique (a number, a string, a boolean pair), or repeats now and then; other fields anything.
  const rows = fc
    .tuple(
      fc.array(fc.tuple(field, field), { minLength: 2, maxLength: 8 }),
      fc.constantFrom('string', 'number', 'boolean', 'repeat', 'null', 'mixed'),
    )
    .map(([pairs, kind]) =>
      pairs.map(([a, b], i) => {
        const source =
          kind === 'string'
            ? `s${i}`
            : kind === 'number'
              ? i === 0
                ? -0
                : i
              : kind === 'boolean'
                ? i % 2 === 0
                : kind === 'repeat'
                  ? `s${i % 3}`
                  : kind === 'null'
                    ? i === 1
                      ? null
                      : `s${i}`
                    : i % 2 === 0
                      ? i
                      : String(i - 1);
        // Now and then a null or undefined element among the tuples (a union with a null).
        if (kind !== 'mixed' && i % 5 === 4) return i % 2 === 0 ? null : undefined;
        return i % 4 === 3 ? { a, source, b } : { source, a, b };
      }),
    );
  fc.assert(
    fc.property(rows, (items) => {
      expect(sameElements(fastDistinct(items) ?? original(items), original(items))).toBe(true);
      const all = allDistinctByAField(items);
      if (all !== undefined) expect(sameElements(all, original(items))).toBe(true);
    }),
    { numRuns: 3000 },
  );
  expect(
    allDistinctByAField([
      { id: 'a', n: 1 },
      { id: 'b', n: 1 },
    ]),
  ).toHaveLength(2);
  expect(
    allDistinctByAField([
      { id: 0, n: 1 },
      { id: -0, n: 1 },
    ]),
  ).toBeUndefined();
  expect(
    allDistinctByAField([
      { id: 0, n: 1 },
      { id: -0, n: 2 },
    ]),
  ).toHaveLength(2);
  expect(allDistinctByAField([{ id: Number.NaN }, { id: Number.NaN }])).toBeUndefined();
  expect(allDistinctByAField([{ id: '1' }, { id: 1 }])).toHaveLength(2);
  expect(allDistinctByAField([{ length: 1, id: 'a' }, { id: 'b' }])).toBeUndefined();
});

test('the same instant at two offsets is one DateTime, as cql-execution normalizes it; other classes have no key', () => {
  expect(canonicalKey(CqlDateTime.parse('2026-11-23T12:00:00+02:00'))).toBe(
    canonicalKey(CqlDateTime.parse('2026-11-23T10:00:00Z')),
  );
  expect(canonicalKey({ a: CqlDateTime.parse('2026-11-23') })).not.toBe(canonicalKey({ a: new CqlDate(2026, 11, 23) }));
  expect(canonicalKey(new Interval(1, 2))).toBeUndefined();
  // A Date's shortcut writes the text keyedKey writes (a Date with another own field takes keyedKey).
  const extra = Object.assign(new CqlDate(2026, 11, 23), { note: 'x' });
  expect(canonicalKey(new CqlDate(2026, 11, null))).toBe('D{"day":N,"month":n11,"year":n2026}');
  expect(canonicalKey(extra)).toBe('D{"day":n23,"month":n11,"note":s"x","year":n2026}');
  expect(canonicalKey({ length: 1, 0: 'x' })).toBeUndefined();
});

test('the engine installs it where cql-execution looks it up, and other lists still take the original path', () => {
  createCqlEngine({ resultCacheSize: 0 });
  installFastDistinct(); // idempotent
  // The module the engine's own `import 'cql-execution'` loaded (one instance for both).
  expect((require('cql-execution') as typeof cqlExecution).Executor).toBe(cqlExecution.Executor);
  const list = require('cql-execution/lib/elm/list.js') as { toDistinctList: (l: unknown[]) => unknown[] };
  expect(list.toDistinctList).not.toBe(originalDistinct());
  const intervals = [new Interval(1, 2), new Interval(1, 2), new Interval(2, 3)];
  expect(sameElements(list.toDistinctList(intervals), originalDistinct()(intervals))).toBe(true);
  expect(list.toDistinctList(intervals)).toHaveLength(2);
  expect(list.toDistinctList(['x', null, 'x', undefined, 'y'])).toEqual(['x', null, 'y']);
  expect(list.toDistinctList([])).toEqual([]);
});
