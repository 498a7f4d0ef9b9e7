/**
 * The FHIR R4 id grammar every layer checks ids with (src/shared/fhir-id.ts): what may go into a URL or a search.
 */
import { describe, expect, test } from '@jest/globals';
import { FHIR_ID, FHIR_ID_PATTERN } from '../../../src/shared/fhir-id.js';

describe('FHIR id', () => {
  test('accepts 1 to 64 letters, digits, dashes and dots', () => {
    for (const id of ['a', 'sts-lms-1l', 'A.b-9', 'x'.repeat(64)]) expect(FHIR_ID.test(id)).toBe(true);
  });

  test('refuses the empty string, 65 characters, and any other character (a path, a query, a space)', () => {
    for (const id of ['', 'x'.repeat(65), 'a/b', 'a?b=1', 'a b', 'a_b', 'Patient/1', 'é']) {
      expect(FHIR_ID.test(id)).toBe(false);
    }
  });

  test('composes unanchored into larger patterns', () => {
    const reference = new RegExp(`^Patient/(${FHIR_ID_PATTERN})$`);
    expect(reference.exec('Patient/sts-lms-1l')?.[1]).toBe('sts-lms-1l');
    expect(reference.test('Patient/a/b')).toBe(false);
  });
});
