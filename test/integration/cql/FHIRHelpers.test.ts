/**
 * cql/FHIRHelpers.cql (the FHIR 4.0.1 helpers the libraries convert FHIR values with), called directly from a test
 * library: Quantity, Coding, CodeableConcept, dates, booleans, Range and Period as the engine reads real-shaped resources.
 */
import { loadTestLibrary, type TestLibrary } from '../../helpers/cql-test-library.js';

const LIBRARY = `library FHIRHelpersTest version '1.0.0'
using FHIR version '4.0.1'
include FHIRHelpers version '4.0.1'
parameter "Threshold" System.Quantity
context Patient
define "Lvef": First([Observation] O where O.status = 'final' return O.value as FHIR.Quantity)
define "Lvef Quantity": FHIRHelpers.ToQuantity(First([Observation] O return O.value as FHIR.Quantity))
define "Below Threshold": FHIRHelpers.ToQuantity(First([Observation] O return O.value as FHIR.Quantity)) < "Threshold"
define "Range": FHIRHelpers.ToInterval(First([Observation] O where O.value is FHIR.Range return O.value as FHIR.Range))
define "Code": First([Observation] O return FHIRHelpers.ToCode(O.code.coding[0]))
define "Concept": First([Observation] O return FHIRHelpers.ToConcept(O.code))
define "Effective": First([Observation] O return FHIRHelpers.ToDateTime(O.effective as FHIR.dateTime))
define "Period": First([Observation] O where O.effective is FHIR.Period return FHIRHelpers.ToInterval(O.effective as FHIR.Period))
define "Birth Date": FHIRHelpers.ToDate(Patient.birthDate)
define "Active": FHIRHelpers.ToBoolean(Patient.active)
define "Gender Is Female": Patient.gender = 'female'
`;

let lib: TestLibrary;
beforeAll(() => {
  lib = loadTestLibrary('FHIRHelpersTest', LIBRARY, ['FHIRHelpers'], 'Europe/Paris');
});
afterAll(() => lib.remove());

const observation = (id: string, extra: Record<string, unknown>): Record<string, unknown> => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  subject: { reference: 'Patient/p' },
  code: {
    coding: [{ system: 'http://loinc.org', code: '10230-1', display: 'Left ventricular Ejection fraction' }],
    text: 'LVEF',
  },
  ...extra,
});
const bundle = (patientId: string, resources: Record<string, unknown>[]): Record<string, unknown> => ({
  resourceType: 'Bundle',
  type: 'collection',
  entry: [
    { resource: { resourceType: 'Patient', id: patientId, birthDate: '1970-05', active: true, gender: 'female' } },
    ...resources.map((resource) => ({ resource })),
  ],
});
const NOW = new Date('2026-03-01T23:30:00Z');

describe('FHIRHelpers', () => {
  test('converts Quantity, Coding, CodeableConcept, dateTime, date, boolean and compares enum status with a string', async () => {
    const r = await lib.engine.evaluate(
      'FHIRHelpersTest',
      bundle('p', [
        observation('o1', {
          effectiveDateTime: '2026-01-15T08:00:00Z',
          valueQuantity: { value: 45, unit: '%', system: 'http://unitsofmeasure.org', code: '%' },
        }),
      ]),
      { now: NOW, parameters: { Threshold: { value: 50, unit: '%' } } },
    );
    expect(r['Lvef Quantity']).toEqual({ value: 45, unit: '%' });
    expect(r['Below Threshold']).toBe(true);
    expect(r.Lvef).toMatchObject({ value: 45 });
    expect(r.Code).toEqual({
      system: 'http://loinc.org',
      code: '10230-1',
      display: 'Left ventricular Ejection fraction',
    });
    expect(r.Concept).toMatchObject({ display: 'LVEF', codes: [{ code: '10230-1' }] });
    expect(r.Effective).toBe('2026-01-15T08:00:00+00:00');
    expect(r['Birth Date']).toBe('1970-05');
    expect(r.Active).toBe(true);
    expect(r['Gender Is Female']).toBe(true);
  });

  test('converts a Range and a Period to intervals', async () => {
    const r = await lib.engine.evaluate(
      'FHIRHelpersTest',
      bundle('p', [
        observation('o2', {
          effectivePeriod: { start: '2025-06', end: '2025-07-02' },
          valueRange: { low: { value: 40, unit: '%', code: '%' }, high: { value: 45, unit: '%', code: '%' } },
        }),
      ]),
      { now: NOW, parameters: { Threshold: { value: 50, unit: '%' } } },
    );
    expect(r.Range).toMatchObject({ low: { value: 40, unit: '%' }, high: { value: 45, unit: '%' } });
    expect(r.Period).toMatchObject({ low: '2025-06', high: '2025-07-02' });
  });
});
