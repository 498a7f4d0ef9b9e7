import { describe, expect, test } from '@jest/globals';
import {
  HISTOLOGY_CODES,
  METASTASIS_ICD10_PREFIXES,
  OBSERVATION_CODES,
  OVERRIDE_REASONS,
  SITE_BY_ICD10,
  STS_DIAGNOSIS_CODES,
  SYSTEMS,
  toVerifyCodes,
} from '../../../src/pathway/index.js';

describe('code sets', () => {
  test('lists every "(to verify)" code of PATHWAY.md for release review', () => {
    expect(
      toVerifyCodes()
        .map((c) => `${c.system} ${c.code}`)
        .sort(),
    ).toEqual(
      [
        `${SYSTEMS.icd10cm} C77`,
        `${SYSTEMS.icdo3} 8802/3`,
        `${SYSTEMS.icdo3} 9260/3`,
        `${SYSTEMS.loinc} 18043-0`,
        `${SYSTEMS.loinc} 1975-2`,
        `${SYSTEMS.loinc} 8806-2`,
        `${SYSTEMS.loinc} 8808-8`,
        `${SYSTEMS.loinc} 8810-4`,
        `${SYSTEMS.loinc} 8811-2`,
        `${SYSTEMS.rxnorm} 1045456`,
        `${SYSTEMS.rxnorm} 44`,
      ].sort(),
    );
  });

  test('gives every §7.1 diagnosis code a §7.5 site', () => {
    expect(STS_DIAGNOSIS_CODES).toHaveLength(17);
    for (const c of STS_DIAGNOSIS_CODES) expect([c.code, SITE_BY_ICD10[c.code] !== undefined]).toEqual([c.code, true]);
    expect(SITE_BY_ICD10['C49.4']).toBe('TRUNK_OTHER');
    expect(SITE_BY_ICD10['C48.0']).toBe('RETROPERITONEAL');
    expect(SITE_BY_ICD10['C49.9']).toBe('UNKNOWN');
  });

  test('puts each ICD-O-3 code in exactly one histology class', () => {
    const all = Object.values(HISTOLOGY_CODES)
      .flat()
      .map((c) => c.code);
    expect(new Set(all).size).toBe(all.length);
    expect(HISTOLOGY_CODES.UPS.map((c) => c.code)).toEqual(['8830/3', '8802/3']);
    expect(HISTOLOGY_CODES.OTHER.find((c) => c.code === '8805/3')?.nonSpecific).toBe(true);
    expect(HISTOLOGY_CODES.SPECIALTY.find((c) => c.code === '9581/3')?.specialty).toBe('ASPS');
  });

  test('reads LVEF from 10230-1, SNOMED 250908004 and the method-specific LOINC codes of §7.3, ECOG from 89247-1', () => {
    expect(OBSERVATION_CODES.lvef.map((c) => c.code)).toEqual([
      '10230-1',
      '250908004',
      '8808-8',
      '8811-2',
      '18043-0',
      '8806-2',
      '8810-4',
    ]);
    expect(OBSERVATION_CODES.ecog.map((c) => c.code)).toEqual(['89247-1']);
    expect(METASTASIS_ICD10_PREFIXES.map((c) => c.code)).toEqual(['C77', 'C78', 'C79']);
  });

  test('lists the eight §5 override reasons in their CodeSystem', () => {
    expect(OVERRIDE_REASONS.map((r) => r.code)).toEqual([
      'patient-preference',
      'clinical-trial',
      'contraindication',
      'prior-toxicity',
      'tumor-board',
      'cardio-oncology-cleared',
      'data-incorrect',
      'other',
    ]);
    for (const r of OVERRIDE_REASONS) expect(r.system).toBe(SYSTEMS.overrideReason);
  });
});
