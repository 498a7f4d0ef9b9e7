/**
 * Issue 14, per-operator proof: each operator of src/engine/runtime/ops.ts gives what cql-execution 3.3.2's own ELM
 * node gives for the same operand values (its `exec`, fed the values directly), on values chosen for their tricky
 * semantics: null and undefined in three-valued logic, `in` with a null item, dates and date-times of every precision
 * and offset compared and subtracted, quantities, tuples, lists with duplicates; and the query sort against
 * cql-execution's own merge sort, with a comparator that is not a total order (DateTime keys compare as objects).
 */
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { Code, Date as CqlDate, DateTime, Quantity } from 'cql-execution';
import * as R from '../../../src/engine/runtime/ops.js';
import { sortByColumns } from '../../../src/engine/runtime/index.js';
import { installFastDistinct } from '../../../src/engine/runtime/distinct.js';
import { describeValue } from '../../helpers/engine-diff.js';
import { compiled, ctx, elm, reference, Value } from '../../helpers/cql-reference.js';

const require = createRequire(import.meta.url);
const util = require('cql-execution/lib/util/util.js') as {
  asyncMergeSort(a: unknown[], f: (x: unknown, y: unknown) => Promise<number>): Promise<unknown[]>;
};

const dateTime = fc
  .record({
    y: fc.integer({ min: 2019, max: 2027 }),
    m: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 28 }),
    h: fc.integer({ min: 0, max: 23 }),
    off: fc.constantFrom(0, -5, 5.5, 1),
    p: fc.integer({ min: 1, max: 7 }),
  })
  .map(({ y, m, d, h, off, p }) => {
    const parts = [y, m, d, h, 30, 15, 250].slice(0, p);
    while (parts.length < 7) parts.push(undefined as unknown as number);
    return new DateTime(...(parts as [number, number, number, number, number, number, number]), off);
  });
const date = fc
  .record({
    y: fc.integer({ min: 2019, max: 2027 }),
    m: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 28 }),
    p: fc.integer({ min: 1, max: 3 }),
  })
  .map(({ y, m, d, p }) => new CqlDate(y, p > 1 ? m : undefined, p > 2 ? d : undefined));
const quantity = fc
  .record({
    v: fc.integer({ min: -5, max: 40 }),
    u: fc.constantFrom('day', 'days', 'month', 'year', 'week', 'mg', 'kg', '%'),
  })
  .map(({ v, u }) => new Quantity(v, u));
const primitive = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom('a', 'b', 'A', ''),
);
const tuple = fc.record({ code: fc.constantFrom('x', 'y', null), n: fc.constantFrom(1, 2) }, { noNullPrototype: true });
const value = fc.oneof(primitive, dateTime, date, quantity, tuple);
const list = fc.array(fc.oneof(primitive, tuple, date), { maxLength: 6 });

const RUNS = { numRuns: 300, seed: 1402 };

beforeAll(() => installFastDistinct());

describe('operators = cql-execution', () => {
  it('and / or / not / xor / implies on true, false, null and undefined', async () => {
    for (const a of [true, false, null, undefined]) {
      expect(compiled(() => R.not(a))).toEqual(await reference('Not', [a]));
      for (const b of [true, false, null, undefined]) {
        expect(compiled(() => R.and(a, b))).toEqual(await reference('And', [a, b]));
        expect(compiled(() => R.or(a, b))).toEqual(await reference('Or', [a, b]));
        expect(compiled(() => R.xor(a, b))).toEqual(await reference('Xor', [a, b]));
        expect(compiled(() => R.implies(a, b))).toEqual(await reference('Implies', [a, b]));
      }
    }
  });

  it('equality and comparison of any two values (dates at every precision and offset)', async () => {
    await fc.assert(
      fc.asyncProperty(value, value, async (a, b) => {
        for (const [type, f] of [
          ['Equal', R.equal],
          ['NotEqual', R.notEqual],
          ['Less', R.less],
          ['Greater', R.greater],
          ['LessOrEqual', R.lessOrEqual],
          ['GreaterOrEqual', R.greaterOrEqual],
        ] as const) {
          expect([type, compiled(() => f(a, b))]).toEqual([type, await reference(type, [a, b])]);
        }
        expect(compiled(() => R.equivalent(a, b, undefined))).toEqual(await reference('Equivalent', [a, b]));
      }),
      RUNS,
    );
  });

  it('in, includes, union, distinct, exists, count, min, max, first, last, flatten (null items and duplicates)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(primitive, tuple, date), list, list, async (item, xs, ys) => {
        expect(compiled(() => R.inList(item, xs))).toEqual(await reference('In', [item, xs]));
        expect(compiled(() => R.inList(item, null))).toEqual(await reference('In', [item, null]));
        expect(compiled(() => R.includes(xs, ys))).toEqual(await reference('Includes', [xs, ys]));
        expect(compiled(() => R.union(xs, ys, false))).toEqual(await reference('Union', [xs, ys]));
        expect(compiled(() => R.distinct(xs))).toEqual(await reference('Distinct', [xs]));
        expect(compiled(() => R.exists(xs))).toEqual(await reference('Exists', [xs]));
        const indexOf = new elm.IndexOf({});
        indexOf.source = new Value(xs);
        indexOf.element = new Value(item);
        expect(compiled(() => R.indexOf(xs, item))).toEqual(describeValue(await indexOf.execute(ctx)));
        for (const [type, f] of [
          ['Count', R.count],
          ['Min', R.min],
          ['Max', R.max],
          ['First', R.first],
          ['Last', R.last],
          ['Sum', R.sum],
        ] as const) {
          expect([type, compiled(() => f(xs))]).toEqual([type, await reference(type, [xs], {}, 'source')]);
        }
        expect(compiled(() => R.flatten([xs, ys]))).toEqual(await reference('Flatten', [[xs, ys]]));
      }),
      RUNS,
    );
  });

  it('date arithmetic, durations and precision comparisons', async () => {
    const temporal = fc.oneof(dateTime, date);
    const precision = fc.constantFrom('Year', 'Month', 'Week', 'Day', 'Hour', 'Minute', undefined);
    await fc.assert(
      fc.asyncProperty(temporal, temporal, quantity, precision, async (a, b, q, p) => {
        expect(compiled(() => R.add(a, q))).toEqual(await reference('Add', [a, q]));
        expect(compiled(() => R.subtract(a, q))).toEqual(await reference('Subtract', [a, q]));
        expect(compiled(() => R.durationBetween(a, b, p))).toEqual(
          await reference('DurationBetween', [a, b], { precision: p }),
        );
        expect(compiled(() => R.sameAs(a, b, p))).toEqual(await reference('SameAs', [a, b], { precision: p }));
        expect(compiled(() => R.sameOrBefore(a, b, p))).toEqual(
          await reference('SameOrBefore', [a, b], { precision: p }),
        );
        expect(compiled(() => R.dateFrom(a))).toEqual(await reference('DateFrom', [a]));
        for (const c of ['Year', 'Month', 'Day', 'Hour']) {
          expect(compiled(() => R.component(a, c.toLowerCase()))).toEqual(
            await reference('DateTimeComponentFrom', [a], { precision: c }),
          );
        }
      }),
      RUNS,
    );
  });

  it('equivalence of strings: case, accents and white space as cql-execution compares them', async () => {
    const text = fc.oneof(
      fc.constantFrom(
        'Doxorubicin',
        'doxorubicin',
        'DOXORUBICIN',
        'dóxorubicin',
        'doxo rubicin',
        'doxo\trubicin',
        'doxo\u00a0rubicin',
        '75 mg/m2',
        '75 MG/M2',
        '75mg/m2',
        '',
        ' ',
        'ß',
        'ss',
        'æ',
        'ae',
      ),
      fc.string({ maxLength: 4 }),
    );
    await fc.assert(
      fc.asyncProperty(text, text, async (a, b) => {
        expect(compiled(() => R.equivalent(a, b, null))).toEqual(await reference('Equivalent', [a, b]));
      }),
      RUNS,
    );
  });

  it('equality and equivalence of quantities in convertible and other units (asked twice: the conversion is kept)', async () => {
    const q = fc
      .record({
        v: fc.oneof(fc.constantFrom(0, -0, 75, 0.075, 1e-9, 1.23456789012), fc.integer({ min: -500, max: 500 })),
        u: fc.constantFrom('mg', 'g', 'mg/m2', 'ug', 'kg', '%', 'mL', '1', '', 'day', 'wk', '[iU]'),
      })
      .map(({ v, u }) => new Quantity(v, u));
    await fc.assert(
      fc.asyncProperty(q, q, async (a, b) => {
        for (let i = 0; i < 2; i++) {
          expect(compiled(() => R.equal(a, b))).toEqual(await reference('Equal', [a, b]));
          expect(compiled(() => R.equivalent(a, b, null))).toEqual(await reference('Equivalent', [a, b]));
        }
      }),
      RUNS,
    );
  });

  it('equivalence of tuples of strings, numbers, quantities, codes and nested tuples', async () => {
    const field = fc.oneof(
      fc.constantFrom(null, undefined, 'mg', 'MG', 'm g', 75, 75.0, 0.5, true),
      fc.constantFrom(new Quantity(75, 'mg'), new Quantity(0.075, 'g'), new Quantity(75, '%')),
      fc.constantFrom(new Code('1', 's'), new Code('1', 's', undefined, 'x'), new Code('2', 's')),
    );
    const flat = fc.dictionary(fc.constantFrom('value', 'unit', 'code'), field, { maxKeys: 3, noNullPrototype: true });
    const tuple = fc.oneof(flat, fc.record({ dose: flat, unit: field }, { noNullPrototype: true }));
    await fc.assert(
      fc.asyncProperty(tuple, tuple, async (a, b) => {
        expect(compiled(() => R.equivalent(a, b, null))).toEqual(await reference('Equivalent', [a, b]));
        expect(compiled(() => R.equivalent(a, a, null))).toEqual(await reference('Equivalent', [a, a]));
      }),
      RUNS,
    );
  });

  it('equality and membership of tuples of strings, numbers and booleans (nulls, key sets, odd names)', async () => {
    const field = fc.constantFrom('a', 'A', '1', 1, 0, -0, Number.NaN, true, null, undefined);
    const name = fc.constantFrom('system', 'code', 'x', 'isQuantity', 'constructor', 'length');
    const tuple = fc.dictionary(name, field, { maxKeys: 3, noNullPrototype: true });
    const other = fc.oneof(tuple, fc.record({ code: fc.constant(new Quantity(1, 'mg')) }, { noNullPrototype: true }));
    await fc.assert(
      fc.asyncProperty(tuple, other, fc.array(tuple, { maxLength: 4 }), async (a, b, list) => {
        expect(compiled(() => R.equal(a, b))).toEqual(await reference('Equal', [a, b]));
        expect(compiled(() => R.equal(a, { ...a }))).toEqual(await reference('Equal', [a, { ...a }]));
        expect(compiled(() => R.inList(a, list))).toEqual(await reference('In', [a, list]));
      }),
      { numRuns: 1000, seed: 1409 },
    );
  });

  it('equality of lists of strings, numbers and booleans (nulls, lengths, mixed types)', async () => {
    const item = fc.constantFrom('a', 'A', '1', 1, 1.0, 0, -0, Number.NaN, true, null, undefined);
    await fc.assert(
      fc.asyncProperty(fc.array(item, { maxLength: 3 }), fc.array(item, { maxLength: 3 }), async (a, b) => {
        expect(compiled(() => R.equal(a, b))).toEqual(await reference('Equal', [a, b]));
        expect(compiled(() => R.equal(a, [...a]))).toEqual(await reference('Equal', [a, [...a]]));
      }),
      RUNS,
    );
  });

  it('string operators with null operands', async () => {
    const str = fc.oneof(fc.constant(null), fc.constantFrom('abc', 'Doxorubicin 50 mg', '', 'a/b/_history/2', 'x.y'));
    await fc.assert(
      fc.asyncProperty(str, str, async (a, b) => {
        expect(compiled(() => R.concatenate(a, b))).toEqual(await reference('Concatenate', [a, b]));
        expect(compiled(() => R.startsWith(a, b))).toEqual(await reference('StartsWith', [a, b]));
        expect(compiled(() => R.endsWith(a, b))).toEqual(await reference('EndsWith', [a, b]));
        expect(compiled(() => R.matches(a, b === null ? null : '[a-z ]+'))).toEqual(
          await reference('Matches', [a, b === null ? null : '[a-z ]+']),
        );
        expect(compiled(() => R.lowerCase(a))).toEqual(await reference('Lower', [a]));
      }),
      RUNS,
    );
  });

  it('Matches and ReplaceMatches with patterns used again (compiled once, same answers)', async () => {
    const str = fc.oneof(fc.constant(null), fc.constantFrom('abc', 'Doxorubicin 50 mg', '', 'a/b/_history/2', 'x.y'));
    const pattern = fc.constantFrom(null, '[a-z ]+', '/_history/.*', '[0-9]+', '(a)(b)?', '.', '');
    const substitution = fc.constantFrom(null, '', '-', '$1', '\\$', 'x$&y');
    await fc.assert(
      fc.asyncProperty(str, pattern, substitution, async (a, p, sub) => {
        for (let i = 0; i < 2; i++) {
          expect(compiled(() => R.matches(a, p))).toEqual(await reference('Matches', [a, p]));
          expect(compiled(() => R.replaceMatches(a, p, sub))).toEqual(await reference('ReplaceMatches', [a, p, sub]));
        }
      }),
      RUNS,
    );
  });

  it('a sort by columns (keys read once) orders and drops as the merge sort with compareKeys does', () => {
    const key = fc.oneof(
      fc.integer({ min: 0, max: 4 }),
      fc.constant(null),
      fc.constant(undefined),
      fc.constantFrom('a', 'b', 'B', '10', '9'),
      dateTime,
      date,
      quantity,
    );
    const row = fc.oneof(
      { weight: 9, arbitrary: fc.record({ k: key, j: key, i: fc.nat() }) },
      { weight: 1, arbitrary: fc.constant(undefined) },
    );
    fc.assert(
      fc.property(fc.array(row, { maxLength: 20 }), fc.boolean(), fc.boolean(), (rows, ascK, ascJ) => {
        const col = (r: any, p: string): unknown => (r != null ? r[p] : undefined);
        const cmp = (x: any, y: any): number => {
          const o = R.compareKeys(col(x, 'k'), col(y, 'k'), ascK);
          return o !== 0 ? o : R.compareKeys(col(x, 'j'), col(y, 'j'), ascJ);
        };
        const theirs = R.mergeSort([...rows], cmp);
        const mine = sortByColumns([...rows], ['k', 'j'], [ascK, ascJ]);
        expect(mine).toHaveLength(theirs.length);
        mine.forEach((r, i) => expect(r).toBe(theirs[i]));
      }),
      { numRuns: 3000, seed: 1408 },
    );
  });

  it("the query sort is cql-execution's merge sort, also for a comparator that is not a total order", async () => {
    const key = fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constant(null), dateTime);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ k: key, i: fc.nat() }), { maxLength: 20 }),
        fc.boolean(),
        async (rows, asc) => {
          const cmp = (x: any, y: any): number => R.compareKeys(x.k, y.k, asc);
          const mine = R.mergeSort([...rows], cmp);
          const theirs = await util.asyncMergeSort([...rows], async (x, y) => cmp(x, y));
          expect(mine).toEqual(theirs);
          mine.forEach((r, i) => expect(r).toBe(theirs[i]));
        },
      ),
      RUNS,
    );
  });
});
