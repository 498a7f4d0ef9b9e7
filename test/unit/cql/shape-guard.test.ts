import { createPatientSourceFactory } from '../../../src/cql/patient-source.js';
import { MAX_SHAPE_DEPTH, createShapeGuard, describeShapeProblem, type ShapeGuard } from '../../../src/cql/shape-guard.js';
import { readDemoBundles } from '../../../src/embedded/demo-bundles.js';
import { DEMO_DIR } from '../../../src/embedded/index.js';

let guard: ShapeGuard;
let demo: unknown[][];
beforeAll(async () => {
  guard = createShapeGuard(createPatientSourceFactory().modelInfo);
  demo = (await readDemoBundles(DEMO_DIR)).map((d) => (d.bundle.entry ?? []).flatMap((e) => (e.resource ? [e.resource] : [])));
});

const observation = (extra: Record<string, unknown>): Record<string, unknown> => ({
  resourceType: 'Observation', id: 'abc', status: 'final', subject: { reference: 'Patient/p1' },
  code: { coding: [{ system: 'http://loinc.org', code: '10230-1' }] }, effectiveDateTime: '2026-01-02',
  valueQuantity: { value: 55, unit: '%', system: 'http://unitsofmeasure.org', code: '%' }, ...extra,
});

const fieldOf = (resource: unknown): string | undefined => guard.check(resource)?.field;

describe('shape guard: resources that fit the engine model', () => {
  test('every resource of every demo patient fits', () => {
    const problems = demo.flat().flatMap((r) => {
      const p = guard.check(r);
      return p ? [describeShapeProblem(r, p)] : [];
    });
    expect(demo.flat().length).toBeGreaterThan(50);
    expect(problems).toEqual([]);
  });

  test('primitive extensions (`_birthDate`), null items of primitive lists and unknown keys are accepted', () => {
    expect(guard.check({
      resourceType: 'Patient', id: 'p1', _birthDate: { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }] },
      name: [{ given: ['Ada', null], _given: [null, { id: 'g2' }] }], someVendorField: { anything: [1, 'x'] },
    })).toBeUndefined();
  });

  test('a resource type the model does not know is left alone (the engine never retrieves it)', () => {
    expect(guard.check({ resourceType: 'NotAFhirType', code: 5 })).toBeUndefined();
  });

  test('null fields are accepted (the engine reads them as absent)', () => {
    expect(guard.check(observation({ code: null, category: null }))).toBeUndefined();
  });
});

describe('shape guard: the wrong JSON type in a field is named by its path', () => {
  test.each<[string, Record<string, unknown>, string]>([
    ['a list given a number (`coding: 5`)', { code: { coding: 5 } }, 'code.coding'],
    ['a list given an object (`category: {}`)', { category: {} }, 'category'],
    ['a complex type given a string (`code: "x"`)', { code: 'x' }, 'code'],
    ['a primitive given an object (`effectiveDateTime: {}`)', { effectiveDateTime: {} }, 'effectiveDateTime'],
    ['a complex choice given a list (`valueQuantity: []`)', { valueQuantity: [] }, 'valueQuantity'],
    ['a code enum given a number (`status: 5`)', { status: 5 }, 'status'],
    ['a decimal given a string', { valueQuantity: { value: 'abc' } }, 'valueQuantity.value'],
    ['a null inside a list of complex types', { category: [null] }, 'category[0]'],
    ['a wrong type deep in a BackboneElement', { component: [{ code: { coding: [{ system: {} }] } }] }, 'component[0].code.coding[0].system'],
    ['a `_field` that is not an object', { _effectiveDateTime: 'x' }, '_effectiveDateTime'],
    ['a `_field` that would overwrite the primitive value', { _effectiveDateTime: { value: {} } }, '_effectiveDateTime.value'],
    ['an extension value of the wrong type', { extension: [{ url: 'http://x', valueReference: { reference: {} } }] }, 'extension[0].valueReference.reference'],
    ['an id that is not a string', { id: 5 }, 'id'],
  ])('%s', (_name, extra, field) => {
    const problem = guard.check(observation(extra));
    expect(problem?.field).toBe(field);
    expect(problem?.message).toBe(`field '${field}' has the wrong type`);
  });

  test('a contained resource is walked as the type it names', () => {
    expect(fieldOf({
      resourceType: 'MedicationRequest', id: 'd', status: 'draft', intent: 'order', medicationReference: { reference: '#m' },
      contained: [{ resourceType: 'Medication', id: 'm', code: 5 }],
    })).toBe('contained[0].code');
  });

  test('a Condition whose subject is a number and code a string: the first field is named', () => {
    const condition = { resourceType: 'Condition', id: 'c1', subject: 7, code: 'C49.2' };
    const problem = guard.check(condition);
    expect(problem?.field).toBe('subject');
    expect(problem && describeShapeProblem(condition, problem)).toBe("Condition/c1: field 'subject' has the wrong type");
  });

  test('nesting beyond the depth bound is a problem, not a stack overflow', () => {
    let ext: Record<string, unknown> = { url: 'http://x', valueString: 'leaf' };
    for (let i = 0; i < MAX_SHAPE_DEPTH + 5; i++) ext = { url: 'http://x', extension: [ext] };
    expect(guard.check(observation({ extension: [ext] }))?.message).toMatch(/nested more than 40 levels deep/);
  });

  test('not a resource at all', () => {
    expect(fieldOf(5)).toBe('resourceType');
    expect(fieldOf({ resourceType: 5 })).toBe('resourceType');
  });
});

describe('shape guard: speed', () => {
  test('a typical patient of ~50 resources is checked well under a millisecond (printed, not asserted)', () => {
    const patient = [...demo].sort((a, b) => b.length - a.length)[0] ?? [];
    const resources = Array.from({ length: 50 }, (_, i) => patient[i % patient.length]);
    for (const r of resources) guard.check(r); // warm the per-class tables
    const rounds = 200;
    const started = performance.now();
    for (let i = 0; i < rounds; i++) for (const r of resources) guard.check(r);
    const perPatient = (performance.now() - started) / rounds;
    process.stdout.write(`shape guard: ${perPatient.toFixed(3)} ms per 50-resource patient\n`);
    expect(resources.every((r) => guard.check(r) === undefined)).toBe(true);
  });
});
