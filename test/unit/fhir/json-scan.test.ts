import { JsonLimitScanner, jsonOverLimit } from '../../../src/fhir/json-scan.js';

const limits = { maxDepth: 5, maxEntries: 3 };
const bundle = (n: number): string =>
  JSON.stringify({
    resourceType: 'Bundle',
    meta: { tag: [{ code: 'entry' }] },
    entry: Array.from({ length: n }, (_, i) => ({ resource: { id: `"e${i}[` } })),
  });

describe('JsonLimitScanner', () => {
  test('counts the root entry array only (not keys or strings named entry elsewhere)', () => {
    expect(jsonOverLimit(bundle(3), limits)).toBeUndefined();
    expect(jsonOverLimit(bundle(4), limits)).toBe('a Bundle with more than 3 entries');
    expect(jsonOverLimit('{"x":{"entry":[1,2,3,4,5]},"entry":[]}', limits)).toBeUndefined();
  });

  test('refuses nesting beyond the limit', () => {
    expect(jsonOverLimit('[[[[[]]]]]', limits)).toBeUndefined();
    expect(jsonOverLimit('[[[[[[]]]]]]', limits)).toBe('JSON nested more than 5 levels deep');
  });

  test('gives the same verdict whatever the chunks the text arrives in', () => {
    // Escaped quotes and backslashes in keys and values (strings are skipped to their next quote or backslash).
    const escaped = JSON.stringify({ 'a"b\\': 'x\\', entry: [{ s: '\\"]}', t: '[{"' }, {}, {}, {}] });
    expect(jsonOverLimit(escaped, limits)).toBe('a Bundle with more than 3 entries');
    for (const text of [bundle(3), bundle(4), '{"entry":[{"a":"\\\\"},{},{},{}]}', escaped]) {
      const whole = jsonOverLimit(text, limits);
      for (let cut = 1; cut < text.length; cut++) {
        const s = new JsonLimitScanner(limits);
        expect(s.feed(text.slice(0, cut)) ?? s.feed(text.slice(cut))).toBe(whole);
      }
    }
  });
});
