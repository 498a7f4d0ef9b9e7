import { CdsError, badRequest } from '../../../src/errors.js';
import { validateCdsRequest } from '../../../src/http/validate-request.js';

/** A valid patient-view body whose prefetch holds `value`. */
const withPrefetchValue = (value: unknown): Record<string, unknown> => ({
  hook: 'patient-view',
  hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
  context: { userId: 'Practitioner/1', patientId: 'p1' },
  prefetch: { deep: value },
});

/** Objects and arrays nested `levels` deep, alternating. */
function nested(levels: number): unknown {
  let v: unknown = 'leaf';
  for (let i = 0; i < levels; i++) v = i % 2 === 0 ? [v] : { x: v };
  return v;
}

const depthError = (): CdsError => new CdsError(badRequest('Request body is nested more than 100 levels deep'));

describe('validateCdsRequest: how deep a body may nest', () => {
  // The body is one level, its prefetch the second, the prefetch's value the third: 98 more make 100.
  test('accepts a body nested exactly 100 levels deep', () => {
    expect(() => validateCdsRequest(withPrefetchValue(nested(98)), 'patient-view')).not.toThrow();
  });

  test('refuses a body nested 101 levels deep, in an object or in a list', () => {
    expect(() => validateCdsRequest(withPrefetchValue(nested(99)), 'patient-view')).toThrow(depthError());
    expect(() => validateCdsRequest(withPrefetchValue([1, { a: 2 }, nested(98)]), 'patient-view')).toThrow(
      depthError(),
    );
    expect(() => validateCdsRequest(withPrefetchValue({ a: 1, b: nested(98) }), 'patient-view')).toThrow(depthError());
  });

  test('refuses a body 20,000 levels deep without overflowing the stack', () => {
    expect(() => validateCdsRequest(withPrefetchValue(nested(20_000)), 'patient-view')).toThrow(depthError());
  });
});
