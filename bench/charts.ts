/**
 * Multi-year patient charts for the benches (issue 14: "cost grows linearly with the record"): a metastatic
 * leiomyosarcoma patient (demo/sts-lms-1l.json) with years of treatment lines, vital signs, labs and problems added.
 * Deterministic: the same arguments give the same Bundle; `nonce` changes ids and values (data never seen before).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle, BundleEntry, FhirResource as Resource, MedicationAdministration, Observation } from 'fhir/r4.js';
import { DEMO_DIR } from '../src/embedded/index.js';
import { DRUGS, type DrugKey } from '../src/pathway/drugs.js';

/** Size of a chart. */
export interface ChartSize {
  readonly label: string;
  readonly years: number;
  readonly administrations: number;
  readonly observations: number;
  readonly conditions: number;
}

/** The three charts of the benches: five years (the issue's example) and two smaller ones. */
export const CHART_SIZES: readonly ChartSize[] = [
  { label: '1-year chart', years: 1, administrations: 60, observations: 100, conditions: 4 },
  { label: '2-year chart', years: 2, administrations: 120, observations: 200, conditions: 8 },
  { label: '5-year chart', years: 5, administrations: 300, observations: 500, conditions: 20 },
];

// Treatment lines in order (§3 metastatic LMS): each line's drugs are given together on one day per cycle.
const LINES: readonly (readonly DrugKey[])[] = [
  ['doxorubicin', 'ifosfamide', 'mesna'],
  ['gemcitabine', 'docetaxel'],
  ['trabectedin'],
  ['pazopanib'],
  ['eribulin'],
];
const LABS = ['718-7', '2160-0', '1742-6', '777-3', '6690-2'];
const DAY = 86_400_000;

const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The chart of `size` for a patient, dated so its last day is `end`. */
export function chartBundle(size: ChartSize, end: Date = new Date('2026-11-23T12:00:00Z'), nonce = 0): Bundle {
  const base = JSON.parse(readFileSync(join(DEMO_DIR, 'sts-lms-1l.json'), 'utf8')) as Bundle;
  const patientId = `chart-${size.years}y${nonce === 0 ? '' : `-${nonce}`}`;
  const resources: Resource[] = (base.entry ?? []).map((e) => {
    const r = structuredClone(e.resource!) as Resource;
    r.id = r.resourceType === 'Patient' ? patientId : `${patientId}-${r.id}`;
    if ('subject' in r && r.subject) r.subject = { reference: `Patient/${patientId}` };
    return r;
  });
  const start = end.getTime() - size.years * 365 * DAY;
  const span = end.getTime() - start - 7 * DAY;
  const subject = { reference: `Patient/${patientId}` };
  // Administrations: cycles every `span / cycles` days, moving through the lines.
  const perCycle = 2;
  const cycles = Math.ceil(size.administrations / perCycle);
  for (let i = 0; i < size.administrations; i++) {
    const cycle = Math.floor(i / perCycle);
    const line = LINES[Math.min(LINES.length - 1, Math.floor((cycle / cycles) * LINES.length))]!;
    const key = line[i % line.length]!;
    const d = DRUGS[key];
    const day = start + Math.floor((cycle * span) / cycles);
    const administration: MedicationAdministration = {
      resourceType: 'MedicationAdministration',
      id: `${patientId}-ma-${i}`,
      status: 'completed',
      subject,
      medicationCodeableConcept:
        d.rxnorm && i % 3 !== 0
          ? { coding: [{ system: d.rxnorm.system, code: d.rxnorm.code, display: d.rxnorm.display }] }
          : { text: `${d.name} ${60 + (nonce % 7)} mg/m2 IV` },
      effectiveDateTime: iso(day),
      ...(key === 'doxorubicin'
        ? {
            dosage: {
              dose: { value: 60 + (nonce % 7), unit: 'mg/m2', system: 'http://unitsofmeasure.org', code: 'mg/m2' },
            },
          }
        : {}),
    };
    resources.push(administration);
  }
  // Observations: ECOG, LVEF, weight every few weeks; labs for the rest.
  for (let i = 0; i < size.observations; i++) {
    const day = start + Math.floor((i * span) / size.observations);
    const kind = i % 10;
    const code =
      kind === 0
        ? { system: 'http://loinc.org', code: '89247-1', display: 'ECOG Performance Status score' }
        : kind === 1
          ? { system: 'http://loinc.org', code: '10230-1', display: 'Left ventricular Ejection fraction' }
          : kind === 2
            ? { system: 'http://loinc.org', code: '29463-7', display: 'Body weight' }
            : { system: 'http://loinc.org', code: LABS[i % LABS.length]! };
    const value =
      kind === 0
        ? { valueInteger: i % 3 }
        : kind === 1
          ? { valueQuantity: { value: 55 + (i % 10), unit: '%' } }
          : kind === 2
            ? { valueQuantity: { value: 70 + (i % 5), unit: 'kg' } }
            : { valueQuantity: { value: 5 + ((i + nonce) % 11), unit: 'mmol/L' } };
    const observation: Observation = {
      resourceType: 'Observation',
      id: `${patientId}-obs-${i}`,
      status: 'final',
      subject,
      code: { coding: [code] },
      effectiveDateTime: `${iso(day)}T09:00:00Z`,
      ...value,
    };
    resources.push(observation);
  }
  // Conditions other than the sarcoma and its metastasis: the problems a long chart collects.
  const problems = [
    ['I10', 'Essential (primary) hypertension'],
    ['E11.9', 'Type 2 diabetes mellitus without complications'],
    ['C78.01', 'Secondary malignant neoplasm of right lung'],
    ['D64.9', 'Anemia, unspecified'],
    ['N18.3', 'Chronic kidney disease, stage 3'],
  ];
  for (let i = 0; i < Math.max(0, size.conditions - 2); i++) {
    const [code, display] = problems[i % problems.length]!;
    resources.push({
      resourceType: 'Condition',
      id: `${patientId}-cond-${i}`,
      subject,
      clinicalStatus: {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
            code: i % 4 === 3 ? 'resolved' : 'active',
          },
        ],
      },
      code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: code!, display }] },
      onsetDateTime: iso(start + Math.floor((i * span) / size.conditions)),
    });
  }
  const entry: BundleEntry[] = resources.map((resource) => ({ resource }));
  return { resourceType: 'Bundle', type: 'collection', entry };
}
