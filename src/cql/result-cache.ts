/**
 * A bounded LRU of CQL evaluation results keyed on a hash of the exact input: library, the whole patient Bundle as
 * sent, the parameter values and the dates the libraries can read. Two requests share an entry only when every byte of
 * that input is the same, so a changed resource (or another patient with the same id) is a miss, never a stale answer.
 */
import { hash } from 'node:crypto';
import { createLru } from '../shared/lru.js';

/** What the cache reports (for the bench and tests). */
export interface ResultCacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly size: number;
  readonly maxEntries: number;
}

/** An LRU of evaluation results with in-flight sharing: concurrent identical evaluations run once. */
export interface ResultCache<T> {
  /** The cached (or in-flight) result of `key`, else the result of `compute`, stored when it resolves. */
  getOrCompute(key: string, compute: () => Promise<T>): Promise<T>;
  stats(): ResultCacheStats;
}

/** The cache key of one evaluation: SHA-256 over the JSON of its parts (the input is never kept, only the hash). */
export function resultKey(parts: readonly unknown[]): string {
  // One JSON text of the whole array (its commas and quotes keep ["ab","c"] and ["a","bc"] apart), hashed in one
  // native call: serializing the Bundle is most of the key's cost (bench/profile.md, "Eleventh pass").
  return hash('sha256', JSON.stringify(parts), 'base64url');
}

/**
 * Creates an LRU of at most `maxEntries` results (0 disables caching: every call computes). Results are returned as
 * copies made by `copy`, so a caller that changes its answer cannot change the next caller's.
 */
export function createResultCache<T>(maxEntries: number, copy: (v: T) => T = structuredClone): ResultCache<T> {
  const done = createLru<string, T>(maxEntries);
  const running = new Map<string, Promise<T>>();
  let hits = 0;
  let misses = 0;
  return {
    async getOrCompute(key, compute) {
      if (maxEntries <= 0) {
        misses++;
        return compute();
      }
      const cached = done.get(key);
      if (cached !== undefined) {
        hits++;
        return copy(cached);
      }
      const inFlight = running.get(key);
      if (inFlight !== undefined) {
        hits++;
        return copy(await inFlight);
      }
      misses++;
      const promise = compute();
      running.set(key, promise);
      try {
        const value = await promise;
        done.set(key, value);
        return copy(value);
      } finally {
        // A failed evaluation is not cached: the next request tries again.
        running.delete(key);
      }
    },
    stats: () => ({ hits, misses, size: done.size, maxEntries }),
  };
}
