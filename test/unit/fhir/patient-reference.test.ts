import type { FhirResource } from 'fhir/r4.js';
import { LeftOut, leftOutReason, patientOfReference } from '../../../src/fhir/patient-reference.js';

const urls = new Map([['urn:uuid:0b6c8a1e-0000-4000-8000-000000000001', 'p']]);
const condition = (subject: unknown): FhirResource => ({ resourceType: 'Condition', id: 'c', subject }) as FhirResource;

describe('patientOfReference: only a reference that provably names a patient', () => {
  test.each([
    ['Patient/123', '123'],
    ['https://ehr.example/fhir/Patient/a-b.c', 'a-b.c'],
    ['urn:uuid:0b6c8a1e-0000-4000-8000-000000000001', 'p'],
  ])('%s names %s', (ref, id) => {
    expect(patientOfReference(ref, urls)).toBe(id);
  });

  test.each([
    'patient/123',
    'Patient/123/',
    'Patient/123/_history/1',
    'https://ehr.example/fhir/Patient/123/_history/2',
    'https://ehr.example/fhir/Patient/123/',
    'https://ehr.example/fhir/Patient/123?x=1',
    'https://ehr.example/fhir/Patient/123#frag',
    'urn:uuid:0b6c8a1e-0000-4000-8000-000000000099',
    'Group/1',
    'Patient/',
    'Patient/a b',
  ])('%s names no patient', (ref) => {
    expect(patientOfReference(ref, urls)).toBeUndefined();
  });
});

describe('leftOutReason', () => {
  test.each([
    [{ reference: 'Patient/p' }, undefined],
    [{ reference: 'https://ehr/fhir/Patient/p' }, undefined],
    [{ reference: 'Patient/q' }, 'another-patient'],
    [{ reference: 'https://ehr/fhir/Patient/q' }, 'another-patient'],
    [{ identifier: { system: 'urn:mrn', value: 'p' } }, 'no-reference'],
    [undefined, 'no-reference'],
    [{ reference: 'patient/p' }, 'unresolved-reference'],
    [{ reference: 'Patient/p/' }, 'unresolved-reference'],
    [{ reference: 'Patient/p/_history/1' }, 'unresolved-reference'],
    [{ reference: 'urn:uuid:other' }, 'unresolved-reference'],
  ])('subject %j: %s', (subject, reason) => {
    expect(leftOutReason(condition(subject), 'p', urls)).toBe(reason);
  });

  test('a type the pathway does not read passes', () => {
    expect(leftOutReason({ resourceType: 'Medication', id: 'm' }, 'p', urls)).toBeUndefined();
  });

  test('the count says how many and why, by type', () => {
    const l = new LeftOut();
    l.add('another-patient', 'Condition');
    l.add('no-reference', 'Observation');
    l.add('another-patient', 'Condition');
    expect(l.size).toBe(3);
    expect(l.list()).toEqual([
      { reason: 'another-patient', resourceType: 'Condition', count: 2 },
      { reason: 'no-reference', resourceType: 'Observation', count: 1 },
    ]);
  });
});
