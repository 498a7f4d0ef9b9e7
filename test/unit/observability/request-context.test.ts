/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/#traceparent-header): which incoming `traceparent` values are
 * accepted, and what the service sends on to the FHIR server (same trace, a new span, version 00).
 */
import { childTraceparent, parseTraceparent } from '../../../src/observability/request-context.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';

describe('parseTraceparent', () => {
  test('accepts the specification example, sampled or not', () => {
    expect(parseTraceparent(`00-${TRACE}-${PARENT}-01`)).toEqual({ traceId: TRACE, parentId: PARENT, flags: '01' });
    expect(parseTraceparent(`00-${TRACE}-${PARENT}-00`)).toEqual({ traceId: TRACE, parentId: PARENT, flags: '00' });
  });

  test('accepts a later version with more fields, reading the version 00 fields only', () => {
    expect(parseTraceparent(`01-${TRACE}-${PARENT}-01-what-comes-next`)).toEqual({
      traceId: TRACE,
      parentId: PARENT,
      flags: '01',
    });
  });

  test.each([
    ['uppercase hex', `00-${TRACE.toUpperCase()}-${PARENT}-01`],
    ['version ff', `ff-${TRACE}-${PARENT}-01`],
    ['all-zero trace id', `00-${'0'.repeat(32)}-${PARENT}-01`],
    ['all-zero parent id', `00-${TRACE}-${'0'.repeat(16)}-01`],
    ['version 00 with a trailing field', `00-${TRACE}-${PARENT}-01-extra`],
    ['a short trace id', `00-${TRACE.slice(1)}-${PARENT}-01`],
    ['a missing flags field', `00-${TRACE}-${PARENT}`],
    ['not hex', `00-${TRACE.replace('a', 'g')}-${PARENT}-01`],
    ['empty', ''],
  ])('refuses %s', (_name, value) => {
    expect(parseTraceparent(value)).toBeUndefined();
  });
});

describe('childTraceparent', () => {
  test('keeps the trace id and the sampled flag, with a new non-zero span id each call', () => {
    const trace = { traceId: TRACE, parentId: PARENT, flags: '01' };
    const a = childTraceparent(trace);
    const b = childTraceparent(trace);
    for (const child of [a, b]) {
      const parsed = parseTraceparent(child);
      expect(parsed).toMatchObject({ traceId: TRACE, flags: '01' });
      expect(parsed?.parentId).not.toBe(PARENT);
      expect(child).toHaveLength(55);
    }
    expect(a).not.toBe(b);
    // Flags other than sampled are not defined by version 00: not passed on.
    expect(childTraceparent({ ...trace, flags: 'ff' }).endsWith('-01')).toBe(true);
    expect(childTraceparent({ ...trace, flags: '02' }).endsWith('-00')).toBe(true);
  });
});
