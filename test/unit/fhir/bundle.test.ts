import type { Bundle, FhirResource } from 'fhir/r4.js';
import { normalizePatientBundle, patientIdOfReference, resourcesOf } from '../../../src/fhir/bundle.js';

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
    for (const order of [[older, newer], [newer, older]]) {
      const [only] = normalizePatientBundle(order, 'p').entry ?? [];
      expect(only?.resource).toBe(newer);
    }
    const [stamped] = normalizePatientBundle([cond('a', 'p', undefined, 'unstamped'), older], 'p').entry ?? [];
    expect(stamped?.resource).toBe(older);
  });

  test('drops OperationOutcomes and resources a reference gives to another patient', () => {
    const resources: FhirResource[] = [
      { resourceType: 'Patient', id: 'p' },
      { resourceType: 'Patient', id: 'q' },
      cond('mine', 'p'),
      cond('theirs', 'q'),
      { resourceType: 'AllergyIntolerance', id: 'al', patient: { reference: 'https://ehr/fhir/Patient/q/_history/2' } },
      { resourceType: 'Observation', id: 'o', status: 'final', code: {}, subject: { reference: 'https://ehr/fhir/Patient/p' } },
      { resourceType: 'Observation', id: 'grp', status: 'final', code: {}, subject: { reference: 'Group/g' } },
      { resourceType: 'OperationOutcome', issue: [] },
    ];
    expect(keys(normalizePatientBundle(resources, 'p'))).toEqual(['Patient/p', 'Condition/mine', 'Observation/o', 'Observation/grp']);
  });
});

describe('resourcesOf', () => {
  test('takes a Bundle\'s entry resources without OperationOutcomes, or a single resource', () => {
    const outcome: FhirResource = { resourceType: 'OperationOutcome', issue: [] };
    const bundle: Bundle = { resourceType: 'Bundle', type: 'searchset', entry: [{ resource: cond('a', 'p') }, { resource: outcome }, {}] };
    expect(resourcesOf(bundle).map((r) => r.id)).toEqual(['a']);
    expect(resourcesOf(cond('b', 'p')).map((r) => r.id)).toEqual(['b']);
    expect(resourcesOf({ resourceType: 'OperationOutcome', issue: [] })).toEqual([]);
    expect(resourcesOf(null)).toEqual([]);
  });
});

describe('patientIdOfReference', () => {
  test.each([
    ['Patient/123', '123'],
    ['https://ehr.example/fhir/Patient/a-b.c', 'a-b.c'],
    ['Patient/9/_history/3', '9'],
    ['Group/1', undefined],
    ['urn:uuid:6c1d', undefined],
  ])('%s -> %s', (ref, id) => {
    expect(patientIdOfReference(ref)).toBe(id);
  });
});
