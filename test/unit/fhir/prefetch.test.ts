import {
  PREFETCH_TEMPLATES,
  fillPrefetchTemplate,
  isReadTemplate,
  templateResourceType,
} from '../../../src/fhir/prefetch.js';
import { OBSERVATION_CODES, SYSTEMS } from '../../../src/pathway/index.js';

const ctx = (context: Record<string, unknown>) => ({ context });

describe('fillPrefetchTemplate (CDS Hooks 2.0 prefetch tokens)', () => {
  test('fills {{context.patientId}} in every template of the service', () => {
    const filled = Object.values(PREFETCH_TEMPLATES).map((t) => fillPrefetchTemplate(t, ctx({ patientId: 'p-1' })));
    expect(filled).toContain('Patient/p-1');
    expect(filled).toContain('Condition?patient=p-1&_count=100');
    expect(filled.every((q) => q !== undefined && !q.includes('{{'))).toBe(true);
  });

  test('fills any string context field, e.g. {{context.userId}}, URL-encoded', () => {
    expect(fillPrefetchTemplate('Practitioner?_id={{context.userId}}', ctx({ userId: 'Practitioner/a b' }))).toBe(
      'Practitioner?_id=Practitioner%2Fa%20b',
    );
  });

  test('fills the user tokens from context.userId of the matching type', () => {
    const c = ctx({ userId: 'Practitioner/123', patientId: 'p' });
    expect(fillPrefetchTemplate('Practitioner/{{userPractitionerId}}', c)).toBe('Practitioner/123');
    expect(
      fillPrefetchTemplate('PractitionerRole/{{userPractitionerRoleId}}', ctx({ userId: 'PractitionerRole/9' })),
    ).toBe('PractitionerRole/9');
    expect(fillPrefetchTemplate('Patient/{{userPatientId}}', ctx({ userId: 'Patient/7' }))).toBe('Patient/7');
    expect(fillPrefetchTemplate('RelatedPerson/{{userRelatedPersonId}}', ctx({ userId: 'RelatedPerson/4' }))).toBe(
      'RelatedPerson/4',
    );
  });

  test('tolerates spaces inside the braces', () => {
    expect(fillPrefetchTemplate('Patient/{{ context.patientId }}', ctx({ patientId: 'x' }))).toBe('Patient/x');
  });

  test.each([
    ['a missing context field', 'Patient/{{context.patientId}}', {}],
    ['a context field that is not a string', 'Encounter/{{context.encounterId}}', { encounterId: 5 }],
    ['a user of another type', 'Practitioner/{{userPractitionerId}}', { userId: 'Patient/7' }],
    ['an unknown token', 'Patient/{{somethingElse}}', { somethingElse: 'x' }],
  ])('cannot be filled with %s', (_what, template, context) => {
    expect(fillPrefetchTemplate(template, ctx(context))).toBeUndefined();
  });
});

describe('template shape', () => {
  test('names the resource type and tells reads from searches', () => {
    expect(templateResourceType('Patient/{{context.patientId}}')).toBe('Patient');
    expect(templateResourceType('MedicationRequest?patient=x')).toBe('MedicationRequest');
    expect(isReadTemplate('Patient/{{context.patientId}}')).toBe(true);
    expect(isReadTemplate('Condition?patient=x')).toBe(false);
  });
});

describe('the Observation query (PATHWAY.md §2 "Queries")', () => {
  test('is filtered by every §7.3 code of the pathway, as system|code, and sorted newest first', () => {
    const template = PREFETCH_TEMPLATES.observations ?? '';
    const params = new URLSearchParams(template.split('?')[1]);
    const codes = (params.get('code') ?? '').split(',');
    const expected = Object.values(OBSERVATION_CODES).flatMap((list) => list.map((c) => `${c.system}|${c.code}`));
    expect(new Set(codes)).toEqual(new Set(expected));
    expect(codes).toContain(`${SYSTEMS.loinc}|10230-1`);
    expect(params.get('_sort')).toBe('-date');
    expect(params.get('patient')).toBe('{{context.patientId}}');
  });
});
