/**
 * A Map of at most `maxEntries` entries that forgets the least recently used first: the bound of the CQL result cache
 * and of the adherence pseudonyms. (The engine's memos of parsed values, src/engine/runtime and src/cql, clear
 * themselves when full instead.)
 */
export interface Lru<K, V> {
  /** The value of `key`, marking it most recently used; undefined when absent. */
  get(key: K): V | undefined;
  /** Stores `value`, forgetting the least recently used entries beyond the bound. */
  set(key: K, value: V): void;
  readonly size: number;
}

export function createLru<K, V>(maxEntries: number): Lru<K, V> {
  const entries = new Map<K, V>();
  return {
    get(key) {
      const value = entries.get(key);
      if (value !== undefined) {
        // Map order is insertion order: re-inserting marks the entry most recently used.
        entries.delete(key);
        entries.set(key, value);
      }
      return value;
    },
    set(key, value) {
      entries.delete(key);
      entries.set(key, value);
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done === true) break;
        entries.delete(oldest.value);
      }
    },
    get size() {
      return entries.size;
    },
  };
}
