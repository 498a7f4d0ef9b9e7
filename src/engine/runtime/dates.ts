/**
 * Integer arithmetic for the date operations the pathway runs most (bench/profile.md, "Sixth pass"): `days between`
 * and `years between` two whole Dates, `minutes between` two DateTimes given to the second, a whole Date plus or minus
 * whole days, weeks, months or years. cql-execution 3.3.2 does each through luxon (two DateTimes per operand, a
 * Duration, `endOf`/`startOf`); here each is the calendar arithmetic luxon ends up doing for those operands: UTC
 * midnights (a Date) or fixed offsets (a DateTime), a month or year added with its day clamped to the month's last
 * (luxon's `plus`), a whole number of a unit taken towards zero (`wholeLuxonDuration`), and -0 where luxon negates a
 * zero-length remainder (the later operand first).
 *
 * Each function answers `undefined` for anything else (a partial date, an uncertainty, an offset that is not whole
 * minutes, a unit it does not cover, a date out of 0001-9999): the caller then runs cql-execution's own code.
 * Property-tested against cql-execution in test/unit/engine/dates.test.ts.
 */
import { Date as CqlDate, DateTime } from 'cql-execution';

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number): boolean => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const daysIn = (y: number, m: number): number => (m === 2 && isLeap(y) ? 29 : DAYS_IN_MONTH[m - 1]!);
const isInt = Number.isInteger;

/** A Date with its year (0001-9999), month and day, and a day that exists in that month. */
function isWholeDate(d: any): d is { year: number; month: number; day: number } {
  return d instanceof CqlDate && validDay(d.year, d.month, d.day);
}

function validDay(y: any, m: any, d: any): boolean {
  return isInt(y) && isInt(m) && isInt(d) && y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m);
}

/** Days since 1970-01-01 of a (proleptic Gregorian) civil date (H. Hinnant's days_from_civil). */
export function epochDay(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

/** The civil date of a day number (H. Hinnant's civil_from_days). */
function civil(z: number): [number, number, number] {
  const zz = z + 719468;
  const era = Math.floor(zz / 146097);
  const doe = zz - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d];
}

type Ymd = { readonly year: number; readonly month: number; readonly day: number };

/** (y, m, d) before (y2, m2, d2), as instants at the same time of day compare. */
const after = (y: number, m: number, d: number, b: Ymd): boolean =>
  y !== b.year ? y > b.year : m !== b.month ? m > b.month : d > b.day;

/** Whole months from `e` to `l` (e <= l): luxon adds the months to `e` (day clamped) and backs off one if past `l`. */
function wholeMonths(e: Ymd, l: Ymd): number {
  let n = (l.year - e.year) * 12 + l.month - e.month;
  const total = e.month - 1 + n;
  const y = e.year + Math.floor(total / 12);
  const m = (total % 12) + 1;
  if (after(y, m, Math.min(e.day, daysIn(y, m)), l)) n--;
  return n;
}

/** Whole years from `e` to `l` (e <= l), as luxon counts them (29 February plus one year is 28 February). */
function wholeYears(e: Ymd, l: Ymd): number {
  let n = l.year - e.year;
  if (after(l.year, e.month, Math.min(e.day, daysIn(l.year, e.month)), l)) n--;
  return n;
}

/**
 * A whole count of `unit` from `a` to `b` for two whole Dates: luxon diffs the earlier from the later and negates,
 * so a count from a later `a` is the negated count (-0 when none is whole).
 */
function dateCount(a: Ymd, b: Ymd, unit: string, truncate: boolean): number | undefined {
  const ea = epochDay(a.year, a.month, a.day);
  const eb = epochDay(b.year, b.month, b.day);
  if (ea === eb) return 0;
  const bLater = eb > ea;
  const [e, l, de, dl] = bLater ? [a, b, ea, eb] : [b, a, eb, ea];
  let n: number;
  switch (unit) {
    case 'day':
      n = dl - de;
      break;
    case 'week':
      // differenceBetween truncates each day to the Sunday that starts its week (ISO weekday 7; 1970-01-01 was a Thursday).
      n = truncate ? (sunday(dl) - sunday(de)) / 7 : Math.trunc((dl - de) / 7);
      break;
    case 'month':
      n = truncate ? (l.year - e.year) * 12 + l.month - e.month : wholeMonths(e, l);
      break;
    case 'year':
      n = truncate ? l.year - e.year : wholeYears(e, l);
      break;
    default:
      return undefined;
  }
  // A difference compares the truncated days: the same truncated day is +0, not a negated zero.
  return bLater || (truncate && n === 0) ? n : -n;
}

const sunday = (day: number): number => day - ((((((day + 3) % 7) + 7) % 7) + 1) % 7);

/** `durationBetween` of two whole Dates (year, month, week, day), else undefined. */
export function dateDurationBetween(a: any, b: any, unit: string | undefined): number | undefined {
  if (unit === undefined || !isWholeDate(a) || !isWholeDate(b)) return undefined;
  return dateCount(a, b, unit, false);
}

/** `differenceBetween` of two whole Dates (year, month, week, day), else undefined. */
export function dateDifferenceBetween(a: any, b: any, unit: string | undefined): number | undefined {
  if (unit === undefined || !isWholeDate(a) || !isWholeDate(b)) return undefined;
  return dateCount(a, b, unit, true);
}

const MILLIS: Readonly<Record<string, number>> = { hour: 3_600_000, minute: 60_000, second: 1000, millisecond: 1 };

/**
 * The instant of a DateTime given at least to the second (a missing millisecond counts as 0 except at millisecond
 * precision, as durationBetween has it) at an offset of whole minutes, else undefined.
 */
function instantOf(d: any, unit: string): number | undefined {
  if (!(d instanceof DateTime)) return undefined;
  const x = d as any;
  if (!validDay(x.year, x.month, x.day) || !isInt(x.hour) || !isInt(x.minute) || !isInt(x.second)) return undefined;
  if (x.hour < 0 || x.hour > 23 || x.minute < 0 || x.minute > 59 || x.second < 0 || x.second > 59) return undefined;
  let ms = x.millisecond;
  if (ms == null) {
    if (unit === 'millisecond') return undefined;
    ms = 0;
  } else if (!isInt(ms) || ms < 0 || ms > 999) return undefined;
  const offset = x.timezoneOffset;
  if (typeof offset !== 'number' || !isInt(offset * 60)) return undefined;
  const local = (epochDay(x.year, x.month, x.day) * 86_400 + x.hour * 3600 + x.minute * 60 + x.second) * 1000 + ms;
  return local - offset * 3_600_000;
}

/**
 * `durationBetween` of two DateTimes given to the second in elapsed units (hour, minute, second, millisecond): whole
 * units of the elapsed time towards zero (-0 for less than one unit backwards), else undefined.
 */
export function dateTimeDurationBetween(a: any, b: any, unit: string | undefined): number | undefined {
  if (unit === undefined) return undefined;
  const per = MILLIS[unit];
  if (per === undefined) return undefined;
  const ta = instantOf(a, unit);
  if (ta === undefined) return undefined;
  const tb = instantOf(b, unit);
  if (tb === undefined) return undefined;
  if (ta === tb) return 0;
  return tb > ta ? Math.floor((tb - ta) / per) : -Math.floor((ta - tb) / per);
}

// A Quantity's unit as a date field (cql-execution's convertToCQLDateUnit, for the fields handled here).
const DATE_UNITS: ReadonlyMap<string, string> = new Map([
  ['day', 'day'],
  ['days', 'day'],
  ['d', 'day'],
  ['week', 'week'],
  ['weeks', 'week'],
  ['wk', 'week'],
  ['month', 'month'],
  ['months', 'month'],
  ['mo', 'month'],
  ['mo_j', 'month'],
  ['mo_g', 'month'],
  ['year', 'year'],
  ['years', 'year'],
  ['a', 'year'],
  ['a_j', 'year'],
  ['a_g', 'year'],
]);

/**
 * A whole Date plus `value` (a whole number) of days, weeks, months or years (a Quantity's unit, CQL or UCUM), as
 * `Date.add` computes it through luxon (a month or year added with the day clamped to the month's last); undefined for
 * anything else or a result outside 0002-9998 (where cql-execution's own range checks take over).
 */
export function dateAdd(d: any, value: any, unit: any): CqlDate | undefined {
  if (!isWholeDate(d) || !isInt(value) || typeof unit !== 'string' || Math.abs(value) > 100_000) return undefined;
  const field = DATE_UNITS.get(unit);
  if (field === undefined) return undefined;
  let y: number;
  let m: number;
  let day: number;
  if (field === 'day' || field === 'week') {
    if (value === 0) return new CqlDate(d.year, d.month, d.day);
    [y, m, day] = civil(epochDay(d.year, d.month, d.day) + (field === 'week' ? 7 * value : value));
  } else {
    const total = d.month - 1 + (field === 'month' ? value : 12 * value);
    y = d.year + Math.floor(total / 12);
    m = (((total % 12) + 12) % 12) + 1;
    day = Math.min(d.day, daysIn(y, m));
  }
  if (y < 2 || y > 9998) return undefined;
  return new CqlDate(y, m, day);
}

const DATE_ORDER_FIELDS = ['year', 'month', 'day'] as const;
const DATETIME_ORDER_FIELDS = ['year', 'month', 'day', 'hour', 'minute', 'second', 'millisecond'] as const;

/**
 * `a.before(b)` (or `a.after(b)` when `after`) of cql-execution 3.3.2 without a precision, for two Dates, or two
 * DateTimes at the same offset (then the original converts nothing): its loop over the class's fields (both set:
 * compare; both missing: false; one missing: null; all equal: false). Undefined for anything else.
 */
export function orderOf(a: any, b: any, after: boolean): boolean | null | undefined {
  if (isPlainDate(a) && isPlainDate(b) && a.timezoneOffset === b.timezoneOffset) {
    // The loop below over year, month and day, written out: most comparisons are of two Dates (sorts, Min, Max).
    let x: any = a.year;
    let y: any = b.year;
    if (x != null && y != null) {
      if (after ? x > y : x < y) return true;
      if (after ? x < y : x > y) return false;
    } else return x == null && y == null ? false : null;
    x = a.month;
    y = b.month;
    if (x != null && y != null) {
      if (after ? x > y : x < y) return true;
      if (after ? x < y : x > y) return false;
    } else return x == null && y == null ? false : null;
    x = a.day;
    y = b.day;
    if (x != null && y != null) return after ? x > y : x < y;
    return x == null && y == null ? false : null;
  }
  const fields = orderFields(a, b);
  if (fields === undefined || a.timezoneOffset !== b.timezoneOffset) return undefined;
  for (const f of fields) {
    const x = a[f];
    const y = b[f];
    if (x != null && y != null) {
      if (after ? x > y : x < y) return true;
      if (after ? x < y : x > y) return false;
    } else if (x == null && y == null) return false;
    else return null;
  }
  return false;
}

const isPlainDate = (v: unknown): boolean => v instanceof CqlDate && v.constructor === CqlDate;

/** The fields `before`/`after` loop over for two values of one of the classes orderOf covers. */
function orderFields(a: unknown, b: unknown): readonly string[] | undefined {
  if (a instanceof CqlDate && b instanceof CqlDate && a.constructor === CqlDate && b.constructor === CqlDate)
    return DATE_ORDER_FIELDS;
  if (a instanceof DateTime && b instanceof DateTime && a.constructor === DateTime && b.constructor === DateTime)
    return DATETIME_ORDER_FIELDS;
  return undefined;
}

/**
 * `a.equals(b)` of cql-execution 3.3.2 for two Dates, or two DateTimes at the same offset (compareWithDefaultResult
 * with null: field by field, both missing is true, one missing is null, seconds and milliseconds compared as one
 * decimal); undefined for anything else.
 */
export function sameValueOf(a: any, b: any): boolean | null | undefined {
  const fields = orderFields(a, b);
  if (fields === undefined || a.timezoneOffset !== b.timezoneOffset) return undefined;
  for (const f of fields) {
    const x = a[f];
    const y = b[f];
    if (x != null && y != null) {
      if (f === 'second') {
        const xs = x + (a.millisecond != null ? a.millisecond : 0) / 1000;
        const ys = y + (b.millisecond != null ? b.millisecond : 0) / 1000;
        return xs === ys;
      }
      if (x !== y) return false;
    } else if (x == null && y == null) return true;
    else return null;
  }
  return true;
}
