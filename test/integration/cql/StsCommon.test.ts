/**
 * cql/StsCommon.cql, called directly from a test library: the partial-date rule, the §2 status filter, references,
 * and the §7.3 readers of LVEF, ECOG and total bilirubin values (what is interpretable, and the value as recorded).
 */
import { loadTestLibrary, type TestLibrary } from '../../helpers/cql-test-library.js';

const LIBRARY = `library StsCommonTest version '1.0.0'
using FHIR version '4.0.1'
include FHIRHelpers version '4.0.1'
include StsCodes version '1.0.0' called Codes
include StsCommon version '1.0.0' called Common
context Patient
define "Observations": [Observation] O return all Tuple {
  id: O.id.value, counts: Common.Counts(O), first: Common.FirstDate(O), last: Common.LastDate(O),
  lvef: Common.LvefValue(O), ecog: Common.EcogValue(O), bilirubinHigh: Common.BilirubinHigh(O), text: Common.ValueText(O) }
  sort by id
define "Subject Keys": [Condition] C return all Tuple { id: C.id.value, key: Common.ReferenceKey(C.subject) } sort by id
define "Stripped": Common.Stripped('  ECOG 1 ')
define "Numbers": Common.NumbersIn('55-60 %. LVEF')
`;

let lib: TestLibrary;
beforeAll(() => {
  lib = loadTestLibrary('StsCommonTest', LIBRARY, ['FHIRHelpers', 'StsCodes', 'StsCommon']);
});
afterAll(() => lib.remove());

const obs = (id: string, extra: Record<string, unknown>): Record<string, unknown> => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  subject: { reference: 'Patient/p' },
  code: { text: 'a reading' },
  effectiveDateTime: '2026-01-15',
  ...extra,
});

async function evaluate(resources: Record<string, unknown>[]): Promise<Record<string, unknown>> {
  return lib.engine.evaluate(
    'StsCommonTest',
    {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [{ resource: { resourceType: 'Patient', id: 'p' } }, ...resources.map((resource) => ({ resource }))],
    },
    { now: new Date('2026-03-01T12:00:00Z') },
  );
}

async function observation(extra: Record<string, unknown>): Promise<Record<string, unknown>> {
  const r = await evaluate([obs('o', extra)]);
  const [o] = r.Observations as Record<string, unknown>[];
  return o ?? {};
}

describe('StsCommon', () => {
  test('a partial date is first at its earliest and last at its latest instant', async () => {
    expect(
      await observation({ effectiveDateTime: undefined, effectivePeriod: { start: '2025-06', end: '2025-07-02' } }),
    ).toMatchObject({ first: '2025-06-01T00:00:00.000+00:00', last: '2025-07-02T23:59:59.999+00:00' });
  });

  test.each([
    ['final', true],
    ['amended', true],
    ['corrected', true],
    ['preliminary', false],
    ['entered-in-error', false],
  ])('an Observation with status %s counts: %s (§2)', async (status, counts) => {
    expect(await observation({ status })).toMatchObject({ counts });
  });

  test.each([
    ['45 %', { valueQuantity: { value: 45, unit: '%', system: 'http://unitsofmeasure.org', code: '%' } }, 45],
    ['a unitless fraction', { valueQuantity: { value: 0.5 } }, 50],
    ['the low end of a range', { valueRange: { low: { value: 40, code: '%' }, high: { value: 45, code: '%' } } }, 40],
    ['the lowest number of a text', { valueString: '55-60 %' }, 55],
    ['a value outside 5-95 %', { valueQuantity: { value: 150, code: '%' } }, null],
    ['another unit', { valueQuantity: { value: 45, unit: 'mL', code: 'mL' } }, null],
  ])('LVEF from %s (§7.3)', async (_what, value, lvef) => {
    expect(await observation(value)).toMatchObject({ lvef });
  });

  test('a value that is not interpretable is named as recorded', async () => {
    expect(await observation({ valueQuantity: { value: 150, unit: '%', code: '%' } })).toMatchObject({
      lvef: null,
      text: '150 %',
    });
    expect(await observation({ valueRange: { low: { value: 40, unit: '%' } } })).toMatchObject({ text: '40-? %' });
    // No value the library can write: null (the cards write src/pathway/rules.ts NO_VALUE).
    expect(await observation({})).toMatchObject({ text: null });
  });

  test.each([
    ['an integer', { valueInteger: 2 }, 2],
    ['an integer out of 0-5', { valueInteger: 7 }, null],
    ['a LOINC answer', { valueCodeableConcept: { coding: [{ system: 'http://loinc.org', code: 'LA9623-5' }] } }, 1],
    ['a text "ECOG PS 3"', { valueString: 'ECOG PS 3' }, 3],
    ['a text starting with the score', { valueString: '2 - ambulatory' }, 2],
    ['a text without a score', { valueString: 'fit' }, null],
  ])('ECOG from %s (§7.3)', async (_what, value, ecog) => {
    expect(await observation(value)).toMatchObject({ ecog });
  });

  test.each([
    ['above its range in the same unit', { valueQuantity: { value: 2.5, code: 'mg/dL' } }, true],
    ['within its range', { valueQuantity: { value: 0.8, code: 'mg/dL' } }, false],
    ['in another unit than its range', { valueQuantity: { value: 40, code: 'umol/L' } }, null],
  ])('total bilirubin %s: high %s (§7.3)', async (_what, value, high) => {
    expect(await observation({ ...value, referenceRange: [{ high: { value: 1.2, code: 'mg/dL' } }] })).toMatchObject({
      bilirubinHigh: high,
    });
  });

  test('total bilirubin flagged H is high without a range', async () => {
    const interpretation = [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'H' }] },
    ];
    expect(await observation({ valueQuantity: { value: 2.5 }, interpretation })).toMatchObject({ bilirubinHigh: true });
  });

  test('a reference is keyed "Type/id" whether relative, absolute or versioned; a contained one has no key', async () => {
    const condition = (id: string, reference: string) => ({
      resourceType: 'Condition',
      id,
      subject: { reference },
    });
    const r = await evaluate([
      condition('c1', 'Patient/p'),
      condition('c2', 'https://ehr.example.org/fhir/Patient/p'),
      condition('c3', 'Patient/p/_history/2'),
      condition('c4', '#p'),
    ]);
    expect(r['Subject Keys']).toEqual([
      { id: 'c1', key: 'Patient/p' },
      { id: 'c2', key: 'Patient/p' },
      { id: 'c3', key: 'Patient/p' },
      { id: 'c4', key: null },
    ]);
  });

  test('texts are stripped and their numbers read', async () => {
    const r = await evaluate([]);
    expect(r.Stripped).toBe('ECOG 1');
    expect(r.Numbers).toEqual([55, 60]);
  });
});
