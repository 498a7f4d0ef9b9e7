/**
 * A paired comparison over rounds (the adherence store's cost, bench/run.ts): in each round the store off and the store
 * on were driven at the same moments, so each round gives one difference in which the machine's noise of that moment
 * (other processes, frequency, caches) falls on both sides. The mean of the rounds' differences and a 95 % interval
 * from their spread (Student's t) say what the runs can tell apart: a cost is shown under a line only when the whole
 * interval is under it.
 */

export interface Interval {
  /** Mean of the rounds' values. */
  readonly mean: number;
  /** 95 % confidence interval of the mean. */
  readonly low: number;
  readonly high: number;
  /** How many values (rounds, or blocks of rounds) the mean is of. */
  readonly n: number;
}

/** Two-sided 95 % quantile of Student's t with `df` degrees of freedom (exact to 3 decimals up to 30, then Cornish-Fisher). */
export function t95(df: number): number {
  const TABLE = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
    2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
  ];
  if (df < 1) return Number.POSITIVE_INFINITY;
  const exact = TABLE[df - 1];
  if (exact !== undefined) return exact;
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2);
}

/** The mean of `xs` with its 95 % interval. */
export function interval(xs: readonly number[]): Interval {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / Math.max(1, n);
  const variance = n > 1 ? xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1) : Number.POSITIVE_INFINITY;
  const half = t95(n - 1) * Math.sqrt(variance / Math.max(1, n));
  return { mean, low: mean - half, high: mean + half, n };
}

/**
 * One unit of a paired comparison (a block of rounds, or one round): the work and the requests on each side.
 */
export interface PairedUnit {
  readonly offCost: number;
  readonly offRequests: number;
  readonly onCost: number;
  readonly onRequests: number;
}

/**
 * The extra cost per request of "on" against "off", in %, with its 95 % interval over the units. Each unit gives the
 * ratio of its totals (cost per request on / cost per request off) and the interval is taken on the logarithms of
 * those ratios, then turned back into percent. The mean of per-round ratios is biased upward when rounds are noisy
 * (the mean of x / y exceeds mean(x) / mean(y) by about the squared coefficient of variation of y: with rounds moving
 * 25 %, some +6 %, more than the cost being looked for); a ratio of totals and the logarithm's symmetry are not.
 */
export function pairedRatio(units: readonly PairedUnit[]): Interval {
  const logs = units
    .filter((u) => u.offCost > 0 && u.onCost > 0 && u.offRequests > 0 && u.onRequests > 0)
    .map((u) => Math.log(unitRatio(u)));
  const i = interval(logs);
  const percent = (x: number): number => (Math.exp(x) - 1) * 100;
  return { mean: percent(i.mean), low: percent(i.low), high: percent(i.high), n: i.n };
}

/** One unit's cost per request on against off (1.03: 3 % more). */
export const unitRatio = (u: PairedUnit): number => u.onCost / u.onRequests / (u.offCost / u.offRequests);

/** "+2.1 % (95 %: -0.4 .. +4.6, 6 blocks)". */
export function formatInterval(i: Interval, of: string): string {
  const s = (x: number): string => `${x >= 0 ? '+' : ''}${(Math.round(x * 10) / 10).toFixed(1)}`;
  return `${s(i.mean)} % (95 %: ${s(i.low)} .. ${s(i.high)}, ${i.n} ${of})`;
}
