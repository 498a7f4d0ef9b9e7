/**
 * The speed-ups of src/cql/patient-source.ts must not change what the engine reads: a memoized DateTime parse gives
 * what cql-execution's own parse gives, as a new object each time.
 */
import { DateTime } from 'cql-execution';
import { createPatientSourceFactory } from '../../../src/cql/patient-source.js';

const SAMPLES = [
  '2026-05-04',
  '2026-05',
  '2026',
  '2026-05-04T10:30',
  '2026-05-04T10:30:15',
  '2026-05-04T10:30:15.123',
  '2026-05-04T10:30:15.1Z',
  '2026-05-04T23:59:59.999+02:00',
  '2026-05-04T00:00:00-05:30',
  '2026-05-04T10:30:15Z',
  '2026-02-30',
  'not a date',
  '',
];

describe('patient-source', () => {
  test('DateTime.parse, memoized, answers as the original, with a fresh object per call', () => {
    const original = DateTime.parse.bind(DateTime);
    createPatientSourceFactory();
    // Compared by identity, never called unbound.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    expect(DateTime.parse).not.toBe(original);
    for (const text of SAMPLES) {
      const expected = original(text);
      const first = DateTime.parse(text);
      const again = DateTime.parse(text);
      expect(first).toEqual(expected);
      expect(again).toEqual(expected);
      if (first !== null) {
        expect(again).not.toBe(first);
        // A caller changing its DateTime changes no later parse.
        first.year = 1900;
        expect(DateTime.parse(text)).toEqual(expected);
      }
    }
  });
});
