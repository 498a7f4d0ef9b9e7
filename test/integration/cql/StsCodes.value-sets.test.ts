/**
 * The §7.3 Observation code lists reach the engine as value sets (src/pathway/value-sets.ts): CQL retrieves name them
 * and the engine's code service applies them. What a clinician would notice if that went wrong: a reading coded one
 * way or another missed, a reading under the wrong code system used, an mCODE-profiled Observation with a local code
 * dropped, or a chart full of labs changing the recommendation.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FhirResource, Observation } from 'fhir/r4.js';
import { DEFAULT_THRESHOLDS } from '../../../src/config.js';
import { createCqlEngine, DEFAULT_ELM_DIR } from '../../../src/cql/engine.js';
import { evaluatePathway } from '../../../src/cql/pathway.js';
import { evaluateTreatment } from '../../helpers/treatment-facts.js';
import { evaluateDiagnosis } from '../../helpers/diagnosis-facts.js';
import type { PatientData } from '../../../src/fhir/types.js';
import {
  MCODE_PROFILE,
  OBSERVATION_CODES,
  OBSERVATION_VALUE_SETS,
  SYSTEMS,
  valueSetExpansions,
} from '../../../src/pathway/index.js';
import { bundleOf, observation, patient, stsCondition, TEST_PATIENT_ID } from '../../fixtures/builders.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const engine = createCqlEngine({ resultCacheSize: 0 });
const subject = { reference: `Patient/${TEST_PATIENT_ID}` };

/** A lab result the pathway never reads (a real chart has hundreds). */
const lab = (i: number): Observation => ({
  resourceType: 'Observation',
  id: `lab-${i}`,
  status: 'final',
  category: [
    { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] },
  ],
  code: { coding: [{ system: SYSTEMS.loinc, code: ['718-7', '2160-0', '1742-6', '777-3'][i % 4] ?? '718-7' }] },
  subject,
  effectiveDateTime: `2026-02-${String(1 + (i % 27)).padStart(2, '0')}`,
  valueQuantity: { value: 10 + (i % 7), unit: 'g/dL', system: SYSTEMS.ucum, code: 'g/dL' },
});

const lvefWith = (coding: { system: string; code: string }[]): Observation => ({
  ...observation.lvef(40, '2026-02-20'),
  code: { coding },
});

test('every value set a library declares has the expansion of its §7.3 code list', () => {
  const expansions = valueSetExpansions();
  const declared = readdirSync(DEFAULT_ELM_DIR)
    .filter((f) => f.endsWith('.elm.json'))
    .flatMap((f) => {
      const elm = JSON.parse(readFileSync(join(DEFAULT_ELM_DIR, f), 'utf8')) as {
        library: { valueSets?: { def?: { id: string }[] } };
      };
      return elm.library.valueSets?.def?.map((d) => d.id) ?? [];
    });
  expect(declared.length).toBeGreaterThanOrEqual(Object.keys(OBSERVATION_CODES).length);
  for (const url of declared) expect(Object.keys(expansions)).toContain(url);
  for (const v of OBSERVATION_VALUE_SETS) {
    const key = Object.keys(OBSERVATION_CODES).find(
      (k) => v.name.replace(/ /g, '').toLowerCase() === `observation${k.toLowerCase()}`,
    );
    expect(key).toBeDefined();
    expect(Object.values(expansions[v.url] ?? {})[0]).toEqual(
      OBSERVATION_CODES[key as keyof typeof OBSERVATION_CODES].map(({ system, code }) => ({ system, code })),
    );
  }
});

describe('a reading is found by any of its codings, and only under its code system', () => {
  test('LVEF whose LOINC coding comes after a local one is read', async () => {
    const local = { system: 'http://hospital.example.org/codes', code: 'ECHO-EF' };
    const loinc = { system: SYSTEMS.loinc, code: OBSERVATION_CODES.lvef[0].code };
    const facts = await evaluateTreatment(engine, bundleOf([patient(), lvefWith([local, loinc])], 'collection'), {
      now: NOW,
    });
    expect(facts.lvef).toMatchObject({ value: 40, low: true });
  });

  test('the LVEF code under another system is not LVEF', async () => {
    const wrongSystem = { system: SYSTEMS.snomed, code: OBSERVATION_CODES.lvef[0].code };
    const facts = await evaluateTreatment(engine, bundleOf([patient(), lvefWith([wrongSystem])], 'collection'), {
      now: NOW,
    });
    expect(facts.lvef).toBeNull();
  });
});

test('a histologic grade Observation recognised by its mCODE profile alone (local code) is still read', async () => {
  const grade: Observation = {
    ...observation.grade(3, '2026-01-10'),
    code: { coding: [{ system: 'http://hospital.example.org/codes', code: 'GRADE' }] },
    meta: { profile: [MCODE_PROFILE.histologicGrade] },
  };
  const withoutProfile: Observation = { ...grade, meta: {} };
  const condition = stsCondition({ icd10: 'C49.12', morphology: '8890/3' });
  const read = await evaluateDiagnosis(engine, bundleOf([patient(), condition, grade], 'collection'), { now: NOW });
  expect(read.grade).toMatchObject({ grade: 3, resource: `Observation/${grade.id}` });
  const notRead = await evaluateDiagnosis(engine, bundleOf([patient(), condition, withoutProfile], 'collection'), {
    now: NOW,
  });
  expect(notRead.grade.grade).toBeNull();
});

test('300 lab results leave the decision and the facts exactly as they were', async () => {
  const chart: FhirResource[] = [
    patient(),
    stsCondition({ icd10: 'C49.3', morphology: '8890/3' }),
    observation.mCategory('M1', '2026-01-10'),
    observation.ecog(1, '2026-02-01'),
    observation.lvef(60, '2026-02-01'),
  ];
  const labs = Array.from({ length: 300 }, (_, i) => lab(i));
  const opts = { now: NOW, thresholds: DEFAULT_THRESHOLDS, timeZone: 'UTC' };
  const data = (resources: FhirResource[]): PatientData => ({
    bundle: bundleOf(resources, 'collection'),
    unreadable: new Map(),
  });
  const plain = await evaluatePathway(engine, data(chart), opts);
  const withLabs = await evaluatePathway(engine, data([...chart, ...labs]), opts);
  expect(plain.hasSts).toBe(true);
  expect(plain.nodes.length).toBeGreaterThan(0);
  expect(withLabs).toEqual(plain);
});
