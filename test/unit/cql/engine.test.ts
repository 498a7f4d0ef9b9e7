/**
 * The CQL engine and the project's FHIRHelpers: a test library is translated with the real translator, loaded with the
 * committed ELM, and evaluated on real-shaped resources.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CdsError } from '../../../src/errors.js';
import { Date as CqlDate, Quantity } from 'cql-execution';
import { createCqlEngine, DEFAULT_ELM_DIR, plainOnRead, todayIn, type CqlEngine } from '../../../src/cql/engine.js';
import { formatElm } from '../../../tools/cql-build/build.js';
import { createTranslatorSession } from '../../../tools/cql-build/translate.js';

const TEST_LIBRARY = `library EngineTest version '1.0.0'
using FHIR version '4.0.1'
include FHIRHelpers version '4.0.1'
include StsCommon version '1.0.0' called Common
parameter "Today" System.Date
parameter "Threshold" System.Quantity
context Patient
define "Patient Id": Patient.id.value
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
define "First Instant": First([Observation] O return Common.FirstDate(O))
define "Last Instant": First([Observation] O return Common.LastDate(O))
define "Today Value": "Today"
define "Now Value": Now()
`;

let dir: string;
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
  dir = mkdtempSync(join(tmpdir(), 'cql-engine-'));
  const sources = new Map<string, string>([['EngineTest', TEST_LIBRARY]]);
  for (const lib of ['FHIRHelpers', 'StsCodes', 'StsCommon']) {
    sources.set(lib, readFileSync(join(DEFAULT_ELM_DIR, `${lib}.cql`), 'utf8'));
    copyFileSync(join(DEFAULT_ELM_DIR, `${lib}.elm.json`), join(dir, `${lib}.elm.json`));
  }
  const result = createTranslatorSession(sources).translate('EngineTest');
  expect(result.messages).toEqual([]);
  writeFileSync(join(dir, 'EngineTest.elm.json'), formatElm(result.elm));
  engine = createCqlEngine({ elmDir: dir, timeZone: 'Europe/Paris' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('FHIRHelpers', () => {
  test('converts Quantity, Coding, CodeableConcept, dateTime, date, boolean and compares enum status with a string', async () => {
    const r = await engine.evaluate(
      'EngineTest',
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

  test('converts a Range and a Period to intervals; a partial date is first at its earliest and last at its latest instant', async () => {
    const r = await engine.evaluate(
      'EngineTest',
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
    expect(r['First Instant']).toBe('2025-06-01T00:00:00.000+00:00');
    expect(r['Last Instant']).toBe('2025-07-02T23:59:59.999+00:00');
  });
});

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

  test('converts a define to a plain value when it is read, and only then; a read value can be replaced', () => {
    const out = plainOnRead({
      Patient: { id: 'p' },
      Dose: new Quantity(75, 'mg'),
      Day: new CqlDate(2026, 11, 23),
      Unread: new CqlDate(2026, 1, 1),
    });
    expect(Object.keys(out)).toEqual(['Dose', 'Day', 'Unread']);
    expect(Object.getOwnPropertyDescriptor(out, 'Day')).toHaveProperty('get');
    expect(out.Day).toBe('2026-11-23');
    expect(Object.getOwnPropertyDescriptor(out, 'Day')).toMatchObject({
      value: '2026-11-23',
      writable: true,
      enumerable: true,
    });
    expect(Object.getOwnPropertyDescriptor(out, 'Unread')).toHaveProperty('get');
    out.Dose = 'changed';
    expect(out.Dose).toBe('changed');
    // A copy (the result cache's structuredClone, JSON) reads every define.
    expect(structuredClone(out)).toEqual({ Dose: 'changed', Day: '2026-11-23', Unread: '2026-01-01' });
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
