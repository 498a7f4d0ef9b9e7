/**
 * The bounded LRU of the CQL result cache and the adherence pseudonyms (src/shared/lru.ts).
 */
import { describe, expect, test } from '@jest/globals';
import { createLru } from '../../../src/shared/lru.js';

describe('bounded LRU', () => {
  test('never holds more than its bound: the least recently stored goes first', () => {
    const lru = createLru<string, number>(3);
    for (let i = 0; i < 10; i++) lru.set(`k${i}`, i);
    expect(lru.size).toBe(3);
    expect(lru.get('k6')).toBeUndefined();
    expect([lru.get('k7'), lru.get('k8'), lru.get('k9')]).toEqual([7, 8, 9]);
  });

  test('reading an entry keeps it; the one not read is forgotten', () => {
    const lru = createLru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1);
    lru.set('c', 3);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBe(1);
    expect(lru.get('c')).toBe(3);
  });

  test('storing a key again replaces its value without growing', () => {
    const lru = createLru<string, number>(2);
    lru.set('a', 1);
    lru.set('a', 2);
    expect(lru.size).toBe(1);
    expect(lru.get('a')).toBe(2);
  });

  test('a bound of 0 keeps nothing', () => {
    const lru = createLru<string, number>(0);
    lru.set('a', 1);
    expect(lru.size).toBe(0);
    expect(lru.get('a')).toBeUndefined();
  });
});
