import { describe, expect, it } from '@jest/globals';
import { pairedRatio, type PairedUnit } from '../../../bench/paired.js';

/** A deterministic generator, so the test gives the same numbers every run. */
function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

/** Rounds of a paired run: the machine's noise moves each side's cost per request by up to +-`noise`. */
function rounds(n: number, cost: number, noise: number, seed: number): PairedUnit[] {
  const r = lcg(seed);
  return Array.from({ length: n }, () => {
    const requests = 1000;
    const off = 2 * (1 + noise * (2 * r() - 1));
    const on = 2 * (1 + cost) * (1 + noise * (2 * r() - 1));
    return { offCost: off * requests, offRequests: requests, onCost: on * requests, onRequests: requests };
  });
}

describe('pairedRatio (the adherence store cost in npm run bench)', () => {
  it('reads no cost where there is none, where the mean of per-round ratios reads several percent', () => {
    const units = rounds(400, 0, 0.45, 7);
    const meanOfRatios =
      (units.reduce((a, u) => a + u.onCost / u.onRequests / (u.offCost / u.offRequests), 0) / units.length - 1) * 100;
    expect(meanOfRatios).toBeGreaterThan(4);
    const i = pairedRatio(units);
    expect(i.low).toBeLessThan(0);
    expect(i.high).toBeGreaterThan(0);
    expect(Math.abs(i.mean)).toBeLessThan(3);
  });

  it('finds a 3 % cost inside its interval, and the interval narrows with more units', () => {
    const few = pairedRatio(rounds(20, 0.03, 0.1, 11));
    const many = pairedRatio(rounds(400, 0.03, 0.1, 11));
    expect(many.low).toBeLessThan(3);
    expect(many.high).toBeGreaterThan(3);
    expect(many.high - many.low).toBeLessThan(few.high - few.low);
    expect(many.high).toBeLessThan(5);
  });

  it('weighs a unit by its requests: a block is the ratio of its totals', () => {
    const i = pairedRatio([
      { offCost: 100, offRequests: 100, onCost: 210, onRequests: 200 },
      { offCost: 300, offRequests: 100, onCost: 315, onRequests: 100 },
    ]);
    expect(i.mean).toBeCloseTo(5, 6);
    expect(i.n).toBe(2);
  });

  it('leaves out a unit with no requests or no cost on a side', () => {
    expect(pairedRatio([{ offCost: 0, offRequests: 0, onCost: 1, onRequests: 1 }]).n).toBe(0);
  });
});
