import type { Bundle, FhirResource } from 'fhir/r4.js';
import { normalizePatientBundle, readBundle, resourcesOf } from '../../../src/fhir/bundle.js';

const cond = (id: string, patient: string, lastUpdated?: string, text = id): FhirResource => ({
  resourceType: 'Condition',
  id,
  subject: { reference: `Patient/${patient}` },
  code: { text },
  ...(lastUpdated ? { meta: { lastUpdated } } : {}),
});
const keys = (b: Bundle): string[] => (b.entry ?? []).map((e) => `${e.resource?.resourceType}/${e.resource?.id}`);

describe('normalizePatientBundle', () => {
  test('is one collection Bundle with each type/id once', () => {
    const b = normalizePatientBundle([cond('a', 'p'), cond('a', 'p'), cond('b', 'p')], 'p');
    expect(b).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
    expect(keys(b)).toEqual(['Condition/a', 'Condition/b']);
  });

  test('keeps the version with the later meta.lastUpdated, whichever came first', () => {
    const older = cond('a', 'p', '2025-01-01T00:00:00Z', 'old');
    const newer = cond('a', 'p', '2025-06-01T00:00:00Z', 'new');
    for (const order of [
      [older, newer],
      [newer, older],
    ]) {
      const [only] = normalizePatientBundle(order, 'p').entry ?? [];
      expect(only?.resource).toBe(newer);
    }
    const [stamped] = normalizePatientBundle([cond('a', 'p', undefined, 'unstamped'), older], 'p').entry ?? [];
    expect(stamped?.resource).toBe(older);
  });

  test('drops OperationOutcomes and every Patient but the context one', () => {
    const resources: FhirResource[] = [
      { resourceType: 'Patient', id: 'p' },
      { resourceType: 'Patient', id: 'q' },
      cond('mine', 'p'),
      { resourceType: 'OperationOutcome', issue: [] },
    ];
    expect(keys(normalizePatientBundle(resources, 'p'))).toEqual(['Patient/p', 'Condition/mine']);
  });
});

describe('resourcesOf', () => {
  test("takes a Bundle's entry resources without OperationOutcomes, or a single resource", () => {
    const outcome: FhirResource = { resourceType: 'OperationOutcome', issue: [] };
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'searchset',
      entry: [{ resource: cond('a', 'p') }, { resource: outcome }, {}],
    };
    expect(resourcesOf(bundle).map((r) => r.id)).toEqual(['a']);
    expect(resourcesOf(cond('b', 'p')).map((r) => r.id)).toEqual(['b']);
    expect(resourcesOf({ resourceType: 'OperationOutcome', issue: [] })).toEqual([]);
    expect(resourcesOf(null)).toEqual([]);
  });
});

describe('readBundle', () => {
  const oo = (severity: string, diagnostics: string): FhirResource => ({
    resourceType: 'OperationOutcome',
    issue: [{ severity: severity as 'error', code: 'processing', diagnostics }],
  });

  test('sorts OperationOutcome entries into warnings and errors, maps Patient fullUrls and finds the next link', () => {
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'searchset',
      link: [
        { relation: 'self', url: 'https://ehr/fhir/Condition' },
        { relation: 'next', url: 'https://ehr/fhir/Condition?page=2' },
      ],
      entry: [
        { fullUrl: 'urn:uuid:1', resource: { resourceType: 'Patient', id: 'p' } },
        { resource: cond('a', 'p') },
        { resource: oo('warning', 'results limited'), search: { mode: 'outcome' } },
        { resource: oo('error', 'backend down'), search: { mode: 'outcome' } },
      ],
    };
    const read = readBundle(bundle);
    expect(read.resources.map((r) => r.id)).toEqual(['p', 'a']);
    expect(read.warnings).toEqual(['processing: results limited']);
    expect(read.errors).toEqual(['processing: backend down']);
    expect(read.next).toBe('https://ehr/fhir/Condition?page=2');
    expect([...read.patientUrls]).toEqual([['urn:uuid:1', 'p']]);
  });
});
