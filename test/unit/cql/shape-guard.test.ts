import { MAX_SHAPE_DEPTH, type ShapeGuard } from '../../../src/cql/shape-guard.js';
import { describeShapeProblem } from '../../../src/fhir/shape-check.js';
import { engineShapeGuard } from '../../helpers/shape-guard.js';
import { DRAFT_READS } from '../../../src/hooks/draft-orders.js';
import { CONDITION_RELATED_EXT } from '../../../src/pathway/systems.js';
import { readDemoBundles } from '../../../src/embedded/demo-bundles.js';
import { DEMO_DIR } from '../../../src/embedded/index.js';

let guard: ShapeGuard;
let demo: unknown[][];
beforeAll(async () => {
  guard = engineShapeGuard();
  demo = (await readDemoBundles(DEMO_DIR)).map((d) =>
    (d.bundle.entry ?? []).flatMap((e) => (e.resource ? [e.resource] : [])),
  );
});

const observation = (extra: Record<string, unknown>): Record<string, unknown> => ({
  resourceType: 'Observation',
  id: 'abc',
  status: 'final',
  subject: { reference: 'Patient/p1' },
  code: { coding: [{ system: 'http://loinc.org', code: '10230-1' }] },
  effectiveDateTime: '2026-01-02',
  valueQuantity: { value: 55, unit: '%', system: 'http://unitsofmeasure.org', code: '%' },
  ...extra,
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
    expect(
      guard.check({
        resourceType: 'Patient',
        id: 'p1',
        _birthDate: {
          extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }],
        },
        name: [{ given: ['Ada', null], _given: [null, { id: 'g2' }] }],
        someVendorField: { anything: [1, 'x'] },
      }),
    ).toBeUndefined();
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
    ['a list given an object (`focus: {}`)', { focus: {} }, 'focus'],
    ['a complex type given a string (`code: "x"`)', { code: 'x' }, 'code'],
    ['a primitive given an object (`effectiveDateTime: {}`)', { effectiveDateTime: {} }, 'effectiveDateTime'],
    ['a complex choice given a list (`valueQuantity: []`)', { valueQuantity: [] }, 'valueQuantity'],
    ['a code enum given a number (`status: 5`)', { status: 5 }, 'status'],
    ['a decimal given a string', { valueQuantity: { value: 'abc' } }, 'valueQuantity.value'],
    ['a null inside a list of complex types', { focus: [null] }, 'focus[0]'],
    ['a wrong type deep in a read element', { code: { coding: [{ system: {} }] } }, 'code.coding[0].system'],
    ['a `_field` that is not an object', { _effectiveDateTime: 'x' }, '_effectiveDateTime'],
    [
      'a `_field` that would overwrite the primitive value',
      { _effectiveDateTime: { value: {} } },
      '_effectiveDateTime.value',
    ],
    [
      'the value of an extension the pathway reads',
      { extension: [{ url: CONDITION_RELATED_EXT, valueReference: { reference: {} } }] },
      'extension[0].valueReference.reference',
    ],
    ['an id that is not a string', { id: 5 }, 'id'],
  ])('%s', (_name, extra, field) => {
    const problem = guard.check(observation(extra));
    expect(problem?.field).toBe(field);
    expect(problem?.message).toBe(`field '${field}' has the wrong type`);
  });

  test('a wrong type deep in a BackboneElement the pathway reads (Condition.stage.summary)', () => {
    expect(fieldOf({ resourceType: 'Condition', id: 'c1', stage: [{ summary: { coding: 'x' } }] })).toBe(
      'stage[0].summary.coding',
    );
  });

  test("a contained resource is walked as the type it names (the order hooks read a contained Medication's code)", () => {
    expect(
      guard.forReads(DRAFT_READS).check({
        resourceType: 'MedicationRequest',
        id: 'd',
        status: 'draft',
        intent: 'order',
        medicationReference: { reference: '#m' },
        contained: [{ resourceType: 'Medication', id: 'm', code: 5 }],
      })?.field,
    ).toBe('contained[0].code');
  });

  test('a Condition whose code is a string is named by it (its subject, a number, is not read by the pathway)', () => {
    const condition = { resourceType: 'Condition', id: 'c1', subject: 7, code: 'C49.2' };
    const problem = guard.check(condition);
    expect(problem?.field).toBe('code');
    expect(problem && describeShapeProblem(condition, problem)).toBe("Condition/c1: field 'code' has the wrong type");
  });

  test('nesting beyond the depth bound is dropped where the pathway does not read, not a stack overflow', () => {
    let ext: Record<string, unknown> = { url: 'http://x', valueString: 'leaf' };
    for (let i = 0; i < MAX_SHAPE_DEPTH + 5; i++) ext = { url: 'http://x', extension: [ext] };
    const inspected = guard.inspect(observation({ extension: [ext] }));
    expect(inspected.problem).toBeUndefined();
    expect(inspected.ignored).toHaveLength(1);
    expect(inspected.ignored[0]).toMatch(/^extension\[0\](\.extension\[0\])+$/);
    expect(guard.check(observation({ extension: [ext] }))).toBeUndefined();
  });

  test('not a resource at all', () => {
    expect(fieldOf(5)).toBe('resourceType');
    expect(fieldOf({ resourceType: 5 })).toBe('resourceType');
  });
});

describe('shape guard: tolerant of what the pathway does not read', () => {
  /** A draft as the CDS Hooks sandbox builds it (its medication-reducers.js): category one object, reasonCode one object. */
  const sandboxDraft = (): Record<string, unknown> => ({
    resourceType: 'MedicationRequest',
    id: 'request-123',
    status: 'draft',
    intent: 'order',
    subject: { reference: 'Patient/p1' },
    authoredOn: '2026-11-23',
    category: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/medicationrequest-category', code: 'community' }],
    },
    reasonCode: { coding: [{ system: 'http://snomed.info/sct', code: '420120006' }], text: 'Leiomyosarcoma' },
    medicationCodeableConcept: {
      text: 'pazopanib 200 MG Oral Tablet',
      coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '714438' }],
    },
  });

  test('MedicationRequest.category and reasonCode as one object: dropped from a copy, the resource stays usable', () => {
    const draft = sandboxDraft();
    const inspected = guard.inspect(draft);
    expect(inspected.problem).toBeUndefined();
    expect(inspected.ignored).toEqual(['category', 'reasonCode']);
    expect(inspected.resource).toMatchObject({
      id: 'request-123',
      medicationCodeableConcept: draft.medicationCodeableConcept,
    });
    expect(inspected.resource).not.toHaveProperty('category');
    expect(draft).toHaveProperty('category');
  });

  test('odd narrative, an unknown extension of the wrong shape and a wrong-typed unread sub-field are dropped alone', () => {
    const obs = observation({
      text: 'not a Narrative',
      extension: [
        { url: 'http://vendor.example/x', valueString: 5 },
        { url: CONDITION_RELATED_EXT, valueReference: { reference: 'Condition/c1' } },
      ],
      code: { coding: [{ system: 'http://loinc.org', code: '10230-1', userSelected: 'yes' }] },
      category: {},
    });
    const inspected = guard.inspect(obs);
    expect(inspected.problem).toBeUndefined();
    expect([...inspected.ignored].sort()).toEqual([
      'category',
      'code.coding[0].userSelected',
      'extension[0].valueString',
      'text',
    ]);
    expect(inspected.resource).toMatchObject({
      extension: [
        { url: 'http://vendor.example/x' },
        { url: CONDITION_RELATED_EXT, valueReference: { reference: 'Condition/c1' } },
      ],
      code: { coding: [{ system: 'http://loinc.org', code: '10230-1' }] },
    });
  });

  test('a wrong-typed field the pathway reads is still a problem (MedicationRequest.status, medicationCodeableConcept)', () => {
    expect(fieldOf({ ...sandboxDraft(), status: 5 })).toBe('status');
    expect(fieldOf({ ...sandboxDraft(), medicationCodeableConcept: { coding: {} } })).toBe(
      'medicationCodeableConcept.coding',
    );
  });

  test('a resource type the pathway never reads keeps every field it can, whatever their shapes', () => {
    const inspected = guard.inspect({ resourceType: 'Encounter', id: 'e1', status: 5, class: 'x' });
    expect(inspected.problem).toBeUndefined();
    expect(inspected.resource).toEqual({ resourceType: 'Encounter', id: 'e1' });
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
