/**
 * Keeps the demo patients current. Their treatment and LVEF dates are set against one day (a regimen given in the 2-3
 * weeks before it is "current", an LVEF of the last 90 days is "recent": demo/README.md), while the service runs on the
 * real clock. Loading them moved by the days since that day keeps every interval between two dates, every age and
 * every "N days ago" as built, so each patient still reaches the nodes demo/index.json says.
 */

/** The day the demo patients are dated against (the fixed clock of the tests: 2026-11-23T12:00:00Z). */
export const DEMO_DATED_AGAINST = '2026-11-23';

const DAY_MS = 86_400_000;

// A FHIR date with a day, or a dateTime/instant: the date part, then the time and offset kept as written.
const FULL_DATE = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?$/;

/** Whole days from the demo's day to `today` (YYYY-MM-DD, the service's "today"); negative before it. */
export function demoDayShift(today: string): number {
  const to = Date.parse(`${today}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today) || Number.isNaN(to)) throw new Error(`not a date: ${today}`);
  return Math.round((to - Date.parse(`${DEMO_DATED_AGAINST}T00:00:00Z`)) / DAY_MS);
}

/** One string moved by `days` when it is a full date or dateTime; anything else (codes, ids, partial dates) as is. */
export function shiftDateString(value: string, days: number): string {
  const m = FULL_DATE.exec(value);
  if (m === null || m[1] === undefined) return value;
  const day = Date.parse(`${m[1]}T00:00:00Z`);
  if (Number.isNaN(day)) return value;
  // The calendar date moves; the time of day and the offset stay as written (a dateTime keeps its local time).
  return `${new Date(day + days * DAY_MS).toISOString().slice(0, 10)}${m[2] ?? ''}`;
}

/**
 * A copy of `value` (a demo Bundle or resource) with every full date and dateTime string moved by `days`. Demo data
 * only: the demo files hold no partial dates and no code or id shaped like a date (test/unit/embedded/demo-dates.test.ts).
 */
export function shiftDates<T>(value: T, days: number): T {
  if (days === 0) return value;
  return shift(value, days) as T;
}

function shift(value: unknown, days: number): unknown {
  if (typeof value === 'string') return shiftDateString(value, days);
  if (Array.isArray(value)) return value.map((v) => shift(v, days));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shift(v, days)]));
  }
  return value;
}
