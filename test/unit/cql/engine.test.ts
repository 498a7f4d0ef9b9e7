/**
 * The CQL engine (src/cql/engine.ts): a test library is translated with the real translator, loaded with the committed
 * ELM, and evaluated on real-shaped resources (the libraries' own tests: cql/README.md).
 */
import { CdsError } from '../../../src/errors.js';
import { Date as CqlDate, Quantity } from 'cql-execution';
import { createCqlEngine, todayIn, type CqlEngine } from '../../../src/cql/engine.js';
import { toPlainResults } from '../../../src/cql/plain.js';
import { FhirValue } from '../../../src/engine/runtime/fhir.js';
import { loadTestLibrary, type TestLibrary } from '../../helpers/cql-test-library.js';

const TEST_LIBRARY = `library EngineTest version '1.0.0'
using FHIR version '4.0.1'
include FHIRHelpers version '4.0.1'
parameter "Today" System.Date
parameter "Threshold" System.Quantity
context Patient
define "Patient Id": Patient.id.value
define "Lvef Quantity": FHIRHelpers.ToQuantity(First([Observation] O return O.value as FHIR.Quantity))
define "Below Threshold": FHIRHelpers.ToQuantity(First([Observation] O return O.value as FHIR.Quantity)) < "Threshold"
define "Gender Is Female": Patient.gender = 'female'
define "Today Value": "Today"
define "Now Value": Now()
`;

let lib: TestLibrary;
let engine: CqlEngine;

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
const bundle = (
  patientId: string,
  resources: Record<string, unknown>[],
  gender = 'female',
): Record<string, unknown> => ({
  resourceType: 'Bundle',
  type: 'collection',
  entry: [
    { resource: { resourceType: 'Patient', id: patientId, birthDate: '1970-05', active: true, gender } },
    ...resources.map((resource) => ({ resource })),
  ],
});
const NOW = new Date('2026-03-01T23:30:00Z');

beforeAll(() => {
  lib = loadTestLibrary('EngineTest', TEST_LIBRARY, ['FHIRHelpers'], 'Europe/Paris');
  engine = lib.engine;
});
afterAll(() => lib.remove());

describe('engine', () => {
  test('sets Now() to the service clock and Today to its date in the configured time zone', async () => {
    const r = await engine.evaluate('EngineTest', bundle('p', []), {
      now: NOW,
      parameters: { Threshold: { value: 50, unit: '%' } },
    });
    expect(r['Now Value']).toBe('2026-03-01T23:30:00.000+00:00');
    expect(r['Today Value']).toBe('2026-03-02');
    expect(todayIn(NOW, 'America/New_York').toString()).toBe('2026-03-01');
  });

  test('keeps concurrent evaluations of different patients apart (shared model info, one source per evaluation)', async () => {
    const runs = Array.from({ length: 40 }, (_, i) => {
      const id = `patient-${i}`;
      return engine
        .evaluate(
          'EngineTest',
          bundle(
            id,
            [observation(`o-${i}`, { valueQuantity: { value: i, unit: '%', code: '%' } })],
            i % 2 ? 'male' : 'female',
          ),
          { now: NOW, parameters: { Threshold: { value: 20, unit: '%' } } },
        )
        .then((r) => ({ i, r }));
    });
    for (const { i, r } of await Promise.all(runs)) {
      expect(r['Patient Id']).toBe(`patient-${i}`);
      expect(r['Lvef Quantity']).toEqual({ value: i, unit: '%' });
      expect(r['Below Threshold']).toBe(i < 20);
      expect(r['Gender Is Female']).toBe(i % 2 === 0);
    }
  });

  test('rejects an unknown library or parameter with a CdsError', async () => {
    await expect(engine.evaluate('Nope', bundle('p', []), { now: NOW })).rejects.toBeInstanceOf(CdsError);
    await expect(
      engine.evaluate('EngineTest', bundle('p', []), { now: NOW, parameters: { Nope: 1 } }),
    ).rejects.toBeInstanceOf(CdsError);
  });

  test('converts every define but Patient to a plain value, and says whether one held a FHIR value', () => {
    const day = new CqlDate(2026, 11, 23);
    const { plain, heldFhirValue } = toPlainResults({
      Patient: { id: 'p' },
      Dose: new Quantity(75, 'mg'),
      Rows: [{ day, note: null, nested: { n: 1, inf: Number.POSITIVE_INFINITY } }],
      Flag: true,
      Missing: undefined,
    });
    expect(plain).toEqual({
      Dose: { value: 75, unit: 'mg' },
      Rows: [{ day: '2026-11-23', note: null, nested: { n: 1, inf: null } }],
      Flag: true,
      Missing: null,
    });
    expect(heldFhirValue).toBe(false);
    const condition = { resourceType: 'Condition', id: 'c1' };
    const held = toPlainResults({ Rows: [{ c: new FhirValue(condition, {}) }] });
    expect(held).toEqual({ plain: { Rows: [{ c: 'Condition/c1' }] }, heldFhirValue: true });
  });

  test('loads every committed library and evaluates StsDiagnosis warm (prints ms per evaluation)', async () => {
    const service = createCqlEngine();
    expect(service.ready).toBe(true);
    expect(service.libraries).toEqual(expect.arrayContaining(['FHIRHelpers', 'StsCodes', 'StsCommon', 'StsDiagnosis']));
    const b = bundle('bench', [
      {
        resourceType: 'Condition',
        id: 'c',
        subject: { reference: 'Patient/bench' },
        code: {
          coding: [
            { system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'C49.12' },
            { system: 'http://terminology.hl7.org/CodeSystem/icd-o-3', code: '8890/3' },
          ],
        },
      },
    ]);
    await service.evaluate('StsDiagnosis', b, { now: NOW });
    const n = 20;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await service.evaluate('StsDiagnosis', b, { now: NOW });
    console.log(`StsDiagnosis: ${((performance.now() - t0) / n).toFixed(1)} ms per evaluation (warm)`);
  });
});
