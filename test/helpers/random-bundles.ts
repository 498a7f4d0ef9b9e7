/**
 * fast-check patient Bundles for the engine differential harness: a demo patient (real shapes) changed by random
 * edits (dates made partial or dropped, statuses and codes swapped for the pathway's and for others, fields removed or
 * nulled, primitives given `_x` extensions, resources duplicated) plus a random treatment and observation history
 * (§6 drugs by RxNorm code or by name, other drugs, doses, periods, partial dates).
 */
import fc from 'fast-check';
import type { Bundle, BundleEntry } from 'fhir/r4.js';
import {
  DISEASE_STATUS_VALUES,
  HISTOLOGY_CODES,
  OBSERVATION_CODES,
  STATUS,
  STS_DIAGNOSIS_CODES,
} from '../../src/pathway/codes.js';
import { DRUGS, DRUG_KEYS } from '../../src/pathway/drugs.js';
import { SYSTEMS } from '../../src/pathway/systems.js';

const pick = <T>(xs: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...xs);

const dateArb: fc.Arbitrary<string | undefined> = fc.oneof(
  fc
    .record({
      y: fc.integer({ min: 2018, max: 2027 }),
      m: fc.integer({ min: 1, max: 12 }),
      d: fc.integer({ min: 1, max: 28 }),
      precision: fc.constantFrom('year', 'month', 'day', 'day', 'day', 'time', 'time-offset'),
    })
    .map(({ y, m, d, precision }) => {
      const mm = String(m).padStart(2, '0');
      const dd = String(d).padStart(2, '0');
      switch (precision) {
        case 'year':
          return `${y}`;
        case 'month':
          return `${y}-${mm}`;
        case 'day':
          return `${y}-${mm}-${dd}`;
        case 'time':
          return `${y}-${mm}-${dd}T${String(d % 24).padStart(2, '0')}:30:00Z`;
        default:
          return `${y}-${mm}-${dd}T23:15:00-05:00`;
      }
    }),
  fc.constant(undefined),
);

const drugConcept: fc.Arbitrary<any> = fc.oneof(
  pick(DRUG_KEYS).chain((k) =>
    fc
      .record({ byCode: fc.boolean(), upper: fc.boolean(), liposomal: fc.boolean() })
      .map(({ byCode, upper, liposomal }) => {
        const d = DRUGS[k];
        const name = (d.names[0] ?? k) + (liposomal ? ' liposomal' : '');
        if (byCode && d.rxnorm)
          return { coding: [{ system: d.rxnorm.system, code: d.rxnorm.code, display: d.rxnorm.display }] };
        return { text: upper ? name.toUpperCase() : `${name} 50 mg/m2 IV` };
      }),
  ),
  fc.constant({ coding: [{ system: SYSTEMS.rxnorm, code: '161', display: 'Acetaminophen' }] }),
  fc.constant({ text: 'ondansetron' }),
  fc.constant({}),
);

const administration = (patientId: string): fc.Arbitrary<any> =>
  fc
    .record({
      id: fc.integer({ min: 1, max: 40 }),
      kind: fc.constantFrom('MedicationAdministration', 'MedicationStatement', 'MedicationRequest'),
      status: fc.constantFrom(
        ...STATUS.administrationExposure,
        ...STATUS.statementExposure,
        'entered-in-error',
        'draft',
        'not-done',
      ),
      intent: fc.constantFrom('order', 'plan', 'proposal'),
      concept: drugConcept,
      start: dateArb,
      end: dateArb,
      period: fc.boolean(),
      dose: fc.option(
        fc.record({ value: fc.double({ min: 1, max: 500, noNaN: true }), unit: fc.constantFrom('mg', 'mg/m2', 'g') }),
      ),
    })
    .map((a) => {
      const r: any = {
        resourceType: a.kind,
        id: `gen-${a.kind}-${a.id}`,
        status: a.status,
        subject: { reference: `Patient/${patientId}` },
        medicationCodeableConcept: a.concept,
      };
      if (a.kind === 'MedicationRequest') {
        r.intent = a.intent;
        if (a.start) r.authoredOn = a.start;
      } else if (a.period)
        r.effectivePeriod = { ...(a.start ? { start: a.start } : {}), ...(a.end ? { end: a.end } : {}) };
      else if (a.start) r.effectiveDateTime = a.start;
      if (a.dose && a.kind === 'MedicationAdministration')
        r.dosage = { dose: { value: a.dose.value, unit: a.dose.unit } };
      return r;
    });

const observationCodes = Object.values(OBSERVATION_CODES).flat();
const observation = (patientId: string): fc.Arbitrary<any> =>
  fc
    .record({
      id: fc.integer({ min: 1, max: 40 }),
      code: fc.oneof(pick(observationCodes), fc.constant({ system: 'http://loinc.org', code: '718-7' })),
      status: fc.constantFrom(...STATUS.observationCounts, 'preliminary', 'entered-in-error'),
      date: dateArb,
      value: fc.oneof(
        fc.integer({ min: 0, max: 100 }).map((v) => ({ valueInteger: v })),
        fc.double({ min: 0, max: 250, noNaN: true }).map((v) => ({ valueQuantity: { value: v, unit: '%' } })),
        pick(HISTOLOGY_CODES.LMS).map((c) => ({ valueCodeableConcept: { coding: [c] } })),
        fc.constant({ valueString: 'grade 3' }),
        // F10 disease status values; a text-only value is unknown.
        pick(DISEASE_STATUS_VALUES).map((c) => ({
          valueCodeableConcept: { coding: [{ system: c.system, code: c.code }] },
        })),
        fc.constant({ valueCodeableConcept: { text: 'stable disease' } }),
        fc.constant({}),
      ),
      // mCODE links a disease status (and other STS Observations) by `focus`: to a generated Condition, or none.
      focus: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
    })
    .map((o) => ({
      resourceType: 'Observation',
      id: `gen-obs-${o.id}`,
      status: o.status,
      subject: { reference: `Patient/${patientId}` },
      code: { coding: [o.code] },
      ...(o.date ? { effectiveDateTime: o.date } : {}),
      ...o.value,
      ...(o.focus !== undefined ? { focus: [{ reference: `Condition/gen-cond-${o.focus}` }] } : {}),
    }));

const condition = (patientId: string): fc.Arbitrary<any> =>
  fc
    .record({
      id: fc.integer({ min: 1, max: 10 }),
      code: fc.oneof(
        pick(STS_DIAGNOSIS_CODES),
        fc.constant({ system: SYSTEMS.icd10cm, code: 'C50.911', display: 'Malignant neoplasm of breast' }),
        fc.constant({ system: SYSTEMS.icd10cm, code: 'C78.01', display: 'Secondary malignant neoplasm of right lung' }),
      ),
      clinical: fc.constantFrom(undefined, 'active', 'remission', 'recurrence'),
      verification: fc.constantFrom(undefined, 'confirmed', 'provisional', 'refuted'),
      onset: dateArb,
    })
    .map((c) => ({
      resourceType: 'Condition',
      id: `gen-cond-${c.id}`,
      subject: { reference: `Patient/${patientId}` },
      code: { coding: [c.code] },
      ...(c.clinical
        ? {
            clinicalStatus: {
              coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: c.clinical }],
            },
          }
        : {}),
      ...(c.verification
        ? {
            verificationStatus: {
              coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: c.verification }],
            },
          }
        : {}),
      ...(c.onset ? { onsetDateTime: c.onset } : {}),
    }));

type Edit = (b: any[], rnd: () => number) => void;

/** Random edits of existing resources. */
const edits: fc.Arbitrary<Edit[]> = fc.array(
  fc.constantFrom<Edit>(
    (es, r) => {
      const e = es[Math.floor(r() * es.length)];
      if (e && e.effectiveDateTime) e.effectiveDateTime = String(e.effectiveDateTime).slice(0, 7);
    },
    (es, r) => {
      const e = es[Math.floor(r() * es.length)];
      if (e && e.onsetDateTime) e.onsetDateTime = String(e.onsetDateTime).slice(0, 4);
    },
    (es, r) => {
      const e = es[Math.floor(r() * es.length)];
      if (e && e.status) e.status = ['final', 'amended', 'stopped', 'completed', 'unknown'][Math.floor(r() * 5)];
    },
    (es, r) => {
      const e = es[Math.floor(r() * es.length)];
      if (e && e.resourceType !== 'Patient') {
        const k = Object.keys(e).filter((x) => x !== 'resourceType' && x !== 'id');
        delete e[k[Math.floor(r() * k.length)]!];
      }
    },
    (es, r) => {
      const e = es[Math.floor(r() * es.length)];
      if (e && e.resourceType !== 'Patient') es.push(structuredClone(e));
    },
    (es, r) => {
      const e = es[Math.floor(r() * es.length)];
      if (e && e.status) e._status = { extension: [{ url: 'http://example.org/x', valueString: 'x' }] };
    },
    (es, r) => {
      const e = es[Math.floor(r() * es.length)];
      if (e && e.status) {
        e._status = { id: 's' };
        delete e.status;
      }
    },
    (es, r) => {
      const e = es[Math.floor(r() * es.length)];
      if (e && e.code && e.code.coding)
        e.code.coding.push({ system: 'http://example.org/local', code: 'x1', display: 'local code' });
    },
    (es, r) => {
      const e = es[Math.floor(r() * es.length)];
      if (e && e.code) e.code.text = 'Leiomyosarcoma of the thigh';
    },
    (es) => {
      const p = es.find((x) => x.resourceType === 'Patient');
      if (p && p.birthDate) p.birthDate = String(p.birthDate).slice(0, 4);
    },
  ),
  { maxLength: 6 },
);

/** A random patient Bundle built on one of `bases` (demo patients). */
export function randomBundle(bases: readonly Bundle[]): fc.Arbitrary<Bundle> {
  return fc
    .record({
      base: fc.integer({ min: 0, max: bases.length - 1 }),
      admins: fc.array(fc.constant(0), { maxLength: 0 }),
      seed: fc.integer(),
      edits,
    })
    .chain(({ base, seed, edits: es }) => {
      const b = bases[base]!;
      const patientId = (b.entry ?? []).find((e) => e.resource?.resourceType === 'Patient')?.resource?.id ?? 'p';
      return fc
        .record({
          meds: fc.array(administration(patientId), { maxLength: 12 }),
          obs: fc.array(observation(patientId), { maxLength: 8 }),
          conds: fc.array(condition(patientId), { maxLength: 3 }),
        })
        .map(({ meds, obs, conds }) => {
          const resources: any[] = (b.entry ?? []).map((e) => structuredClone(e.resource));
          let s = seed >>> 0;
          const rnd = (): number => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
          for (const edit of es) edit(resources, rnd);
          resources.push(...meds, ...obs, ...conds);
          const entry: BundleEntry[] = resources.map((resource) => ({ resource }));
          return { resourceType: 'Bundle', type: 'collection', entry };
        });
    });
}
