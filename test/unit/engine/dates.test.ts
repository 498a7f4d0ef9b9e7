/**
 * The integer date arithmetic of src/engine/runtime/dates.ts gives what cql-execution 3.3.2 (through luxon) gives:
 * durations and differences between Dates and DateTimes at every precision, and a Date plus or minus a quantity of
 * days, weeks, months or years, on generated values weighted to the edges (29 February, month ends, year ends, leap
 * centuries, years 1 and 9999, partial dates, days that do not exist, fractional and missing offsets), and every day
 * from December 1999 to March 2001 against month-end and leap-day anchors. Whatever the integer code does not cover
 * goes to cql-execution's own code, so it must give the same answer too; a check that the fast path is really taken
 * keeps the test honest.
 */
import fc from 'fast-check';
import { Date as CqlDate, DateTime, Quantity } from 'cql-execution';
import * as R from '../../../src/engine/runtime/ops.js';
import {
  dateAdd,
  dateDifferenceBetween,
  dateDurationBetween,
  dateTimeDurationBetween,
  orderOf,
} from '../../../src/engine/runtime/dates.js';
import { describeValue } from '../../helpers/engine-diff.js';
import { compiled, reference } from '../../helpers/cql-reference.js';

const daysIn = (y: number, m: number): number =>
  new Date(Date.UTC(2000, m, 0)).getUTCDate() - (m === 2 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)) ? 1 : 0);
const year = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1890, max: 2110 }) },
  { weight: 1, arbitrary: fc.constantFrom(1, 2, 99, 100, 1600, 1900, 2000, 2100, 9998, 9999) },
);
// Days weighted to the month's end (and, once in a while, a day the month does not have).
const ymd = fc
  .record({
    y: year,
    m: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 31 }),
    over: fc.integer({ min: 0, max: 19 }),
  })
  .map(({ y, m, d, over }) => ({ y, m, d: over === 0 ? d : Math.min(d, daysIn(y, m)) }));
const date = fc
  .tuple(ymd, fc.integer({ min: 1, max: 12 }))
  .map(([{ y, m, d }, p]) => new CqlDate(y, p > 2 ? m : undefined, p > 3 ? d : undefined));
const wholeDate = ymd.map(({ y, m, d }) => new CqlDate(y, m, Math.min(d, daysIn(y, m))));
const dateTime = fc
  .record({
    ymd,
    h: fc.integer({ min: 0, max: 23 }),
    mi: fc.integer({ min: 0, max: 59 }),
    s: fc.integer({ min: 0, max: 59 }),
    ms: fc.option(fc.integer({ min: 0, max: 999 })),
    off: fc.constantFrom(0, -5, 5.5, 1, 14, -12, 0.1, null),
    p: fc.integer({ min: 1, max: 12 }),
  })
  .map(({ ymd: { y, m, d }, h, mi, s, ms, off, p }) => {
    // Mostly given to the second (as FHIR dateTimes with a time are), sometimes less.
    const parts: (number | null)[] = [y, m, Math.min(d, daysIn(y, m)), h, mi, s, ms];
    const keep = p > 6 ? 7 : p;
    for (let i = keep; i < 7; i++) parts[i] = null;
    return new DateTime(...(parts as [number, number, number, number, number, number, number]), off);
  });
const unit = fc.constantFrom('Year', 'Month', 'Week', 'Day', 'Hour', 'Minute', 'Second', 'Millisecond', undefined);
const quantity = fc
  .record({
    v: fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.constantFrom(0, -0, 1.5, -2.25, 36500)),
    u: fc.constantFrom(
      'day',
      'days',
      'd',
      'week',
      'weeks',
      'wk',
      'month',
      'months',
      'mo',
      'year',
      'years',
      'a',
      'hour',
      'mg',
    ),
  })
  .map(({ v, u }) => new Quantity(v, u));

const RUNS = { numRuns: 3000, seed: 20261203 };

describe('integer date arithmetic = cql-execution', () => {
  it('durationBetween and differenceBetween of Dates and DateTimes, at every precision', async () => {
    const temporal = fc.oneof(
      { weight: 3, arbitrary: wholeDate },
      { weight: 1, arbitrary: date },
      { weight: 3, arbitrary: dateTime },
    );
    await fc.assert(
      fc.asyncProperty(temporal, temporal, unit, async (a, b, p) => {
        expect(compiled(() => R.durationBetween(a, b, p))).toEqual(
          await reference('DurationBetween', [a, b], { precision: p }),
        );
        expect(compiled(() => R.differenceBetween(a, b, p))).toEqual(
          await reference('DifferenceBetween', [a, b], { precision: p }),
        );
      }),
      RUNS,
    );
  });

  it('a Date plus or minus days, weeks, months and years', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(wholeDate, date), quantity, async (a, q) => {
        expect(compiled(() => R.add(a, q))).toEqual(await reference('Add', [a, q]));
        expect(compiled(() => R.subtract(a, q))).toEqual(await reference('Subtract', [a, q]));
      }),
      RUNS,
    );
  });

  it('every day from December 1999 to March 2001 against month ends and leap days, in years, months, weeks and days', async () => {
    const anchors = [
      new CqlDate(2000, 2, 29),
      new CqlDate(2000, 1, 31),
      new CqlDate(1999, 12, 31),
      new CqlDate(2001, 3, 1),
    ];
    for (let t = Date.UTC(1999, 11, 20); t <= Date.UTC(2001, 2, 5); t += 86_400_000) {
      const js = new Date(t);
      const d = new CqlDate(js.getUTCFullYear(), js.getUTCMonth() + 1, js.getUTCDate());
      for (const a of anchors) {
        for (const p of ['Year', 'Month', 'Week', 'Day']) {
          expect([d.toString(), a.toString(), p, compiled(() => R.durationBetween(a, d, p))]).toEqual([
            d.toString(),
            a.toString(),
            p,
            describeValue(a.durationBetween(d, p.toLowerCase())?.low),
          ]);
          expect([d.toString(), a.toString(), p, compiled(() => R.differenceBetween(d, a, p))]).toEqual([
            d.toString(),
            a.toString(),
            p,
            describeValue(d.differenceBetween(a, p.toLowerCase())?.low),
          ]);
        }
      }
      for (const [v, u] of [
        [1, 'month'],
        [-1, 'month'],
        [1, 'year'],
        [-1, 'year'],
        [13, 'month'],
        [-400, 'day'],
      ] as const) {
        expect(compiled(() => R.add(d, new Quantity(v, u)))).toEqual(describeValue(d.add(v, u)));
      }
    }
  });

  it('takes the integer path for whole Dates and DateTimes given to the second (and only then)', () => {
    expect(dateDurationBetween(new CqlDate(2020, 2, 29), new CqlDate(2021, 2, 28), 'year')).toBe(1);
    expect(dateDurationBetween(new CqlDate(2021, 2, 28), new CqlDate(2020, 2, 29), 'year')).toBe(-1);
    expect(Object.is(dateDurationBetween(new CqlDate(2021, 1, 10), new CqlDate(2021, 1, 5), 'week'), -0)).toBe(true);
    expect(dateDifferenceBetween(new CqlDate(2021, 1, 31), new CqlDate(2021, 2, 1), 'month')).toBe(1);
    expect(dateDurationBetween(new CqlDate(2021, 2), new CqlDate(2021, 3, 1), 'day')).toBeUndefined();
    expect(dateDurationBetween(new CqlDate(2021, 2, 30), new CqlDate(2021, 3, 1), 'day')).toBeUndefined();
    const t = (s: string): DateTime => DateTime.parse(s)!;
    expect(dateTimeDurationBetween(t('1970-01-01T00:00:00.000Z'), t('2025-03-04T10:15:30+05:30'), 'minute')).toBe(
      29_017_725,
    );
    expect(dateTimeDurationBetween(t('1970-01-01T00:00:00.000Z'), t('2025-03-04'), 'minute')).toBeUndefined();
    expect(dateAdd(new CqlDate(2024, 1, 31), 1, 'month')?.toString()).toBe('2024-02-29');
    expect(dateAdd(new CqlDate(2024, 1), 1, 'month')).toBeUndefined();
  });
});

describe('comparison and equality of two Dates, or two DateTimes at one offset, without cql-execution (orderOf, sameValueOf)', () => {
  // Pairs close to each other (same year, often the same month or day), so every field decides now and then.
  const near = fc
    .tuple(fc.constantFrom(2024, 2025), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }))
    .chain(([y, m, d]) =>
      fc.oneof(
        fc.integer({ min: 1, max: 4 }).map((p) => new CqlDate(y, p > 1 ? m : undefined, p > 2 ? d : undefined)),
        fc
          .record({
            p: fc.integer({ min: 1, max: 8 }),
            h: fc.integer({ min: 0, max: 2 }),
            sec: fc.constantFrom(15, 16),
            ms: fc.constantFrom(250, 0, 1000),
            off: fc.constantFrom(0, 0, 0, 1, null),
          })
          .map(({ p, h, sec, ms, off }) => {
            const parts: (number | null)[] = [y, m, d, h, 30, sec, ms];
            for (let i = p; i < 7; i++) parts[i] = null;
            return new DateTime(...(parts as [number, number, number, number, number, number, number]), off);
          }),
      ),
    );
  const value = fc.oneof(near, date, dateTime, fc.constant(null));

  it('<, >, <=, >=, =, !=, Min and Max give what cql-execution gives, and the fast path is taken', async () => {
    await fc.assert(
      fc.asyncProperty(value, value, fc.array(near, { maxLength: 5 }), async (a, b, list) => {
        for (const [type, f] of [
          ['Less', R.less],
          ['Greater', R.greater],
          ['LessOrEqual', R.lessOrEqual],
          ['GreaterOrEqual', R.greaterOrEqual],
          ['Equal', R.equal],
          ['NotEqual', R.notEqual],
        ] as const) {
          expect([type, compiled(() => f(a, b))]).toEqual([type, await reference(type, [a, b])]);
        }
        for (const [type, f] of [
          ['Min', R.min],
          ['Max', R.max],
        ] as const) {
          expect([type, compiled(() => f(list))]).toEqual([type, await reference(type, [list], {}, 'source')]);
        }
      }),
      { numRuns: 3000, seed: 1407 },
    );
    expect(orderOf(new CqlDate(2025, 1, 2), new CqlDate(2025, 1, 3), false)).toBe(true);
    expect(orderOf(new CqlDate(2025, 1), new CqlDate(2025, 1, 3), false)).toBeNull();
    expect(orderOf(DateTime.parse('2025-01-01T10:00:00Z'), DateTime.parse('2025-01-01T10:00:00+01:00'), true)).toBe(
      undefined,
    );
  });
});
