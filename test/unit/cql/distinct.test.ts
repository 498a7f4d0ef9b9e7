/**
 * src/cql/distinct.ts: cql-execution's de-duplication with a fast path for lists of primitives must keep exactly the
 * elements, in the order, that the original keeps; and it must be the one the engine's evaluations call.
 */
import { createRequire } from 'node:module';
import fc from 'fast-check';
import * as cqlExecution from 'cql-execution';
import { createCqlEngine } from '../../../src/cql/engine.js';
import { distinctPrimitives, installFastDistinct, originalDistinct } from '../../../src/cql/distinct.js';

const require = createRequire(import.meta.url);

const primitive = fc.oneof(
  fc.constantFrom(null, undefined, true, false, 0, -0, 1, 1.5, Number.NaN, '', 'a', 'A', 'S-ECOG-POOR', 'Condition/1'),
  fc.string({ maxLength: 3 }),
  fc.integer({ min: -3, max: 3 }),
);

test('on lists of primitives it keeps what cql-execution keeps, in the same order', () => {
  const original = originalDistinct();
  fc.assert(fc.property(fc.array(primitive, { maxLength: 12 }), (list) => {
    expect(distinctPrimitives(list)).toEqual(original(list));
  }), { numRuns: 2000 });
});

test('the engine installs it where cql-execution looks it up, and lists of objects still take the original path', () => {
  createCqlEngine({ resultCacheSize: 0 });
  installFastDistinct(); // idempotent
  // The module the engine's own `import 'cql-execution'` loaded (one instance for both).
  expect(require('cql-execution').Executor).toBe(cqlExecution.Executor);
  const list = require('cql-execution/lib/elm/list.js') as { toDistinctList: (l: unknown[]) => unknown[] };
  expect(list.toDistinctList).not.toBe(originalDistinct());
  const tuples = [{ a: 1 }, { a: 1 }, { a: 2 }, null, null];
  expect(list.toDistinctList(tuples)).toEqual(originalDistinct()(tuples));
  expect(list.toDistinctList(tuples)).toEqual([{ a: 1 }, { a: 2 }, null]);
  expect(list.toDistinctList(['x', null, 'x', undefined, 'y'])).toEqual(['x', null, 'y']);
  expect(list.toDistinctList([])).toEqual([]);
});
