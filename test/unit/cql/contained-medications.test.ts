/**
 * src/cql/contained-medications.ts: contained Medications lifted for CQL.
 */
import type { Bundle, Medication, MedicationRequest } from 'fhir/r4.js';
import { hoistContainedMedications } from '../../../src/cql/contained-medications.js';
import { bundleOf, medicationConcept, medicationRequest, patient } from '../../fixtures/builders.js';

describe('hoistContainedMedications', () => {
  const doxorubicin: Medication = { resourceType: 'Medication', id: 'm', code: medicationConcept('doxorubicin') };
  const withContained: MedicationRequest = {
    ...medicationRequest({ id: 'mr1', drug: 'doxorubicin', authoredOn: '2026-01-01' }),
    medicationCodeableConcept: undefined,
    medicationReference: { reference: '#m' },
    contained: [doxorubicin],
  };

  test('adds each contained Medication under the id StsTreatment looks up, leaving the owner unchanged', () => {
    const bundle = bundleOf([patient(), withContained], 'collection');
    const out = hoistContainedMedications(bundle);
    expect(out.entry).toHaveLength(3);
    expect(out.entry?.[2]?.resource).toEqual({
      resourceType: 'Medication',
      id: 'contained.MedicationRequest.mr1.m',
      code: medicationConcept('doxorubicin'),
    });
    expect(out.entry?.[1]?.resource).toBe(withContained);
    expect(bundle.entry).toHaveLength(2);
  });

  test('returns the bundle itself when nothing is contained', () => {
    const bundle: Bundle = bundleOf([patient()], 'collection');
    expect(hoistContainedMedications(bundle)).toBe(bundle);
  });
});
