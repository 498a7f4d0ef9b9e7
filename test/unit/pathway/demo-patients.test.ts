import { describe, expect, test } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Fhir } from 'fhir';
import type {
  Bundle,
  FhirResource,
  MedicationAdministration,
  MedicationRequest,
  MedicationStatement,
} from 'fhir/r4.js';
import { NODE_IDS, RULE_IDS, matchDrug, type NodeId } from '../../../src/pathway/index.js';
import { buildDemo, toFileText, type DemoIndexEntry } from '../../../demo/patients.js';

const DEMO_DIR = join(process.cwd(), 'demo');
const readJson = (file: string): unknown => JSON.parse(readFileSync(join(DEMO_DIR, file), 'utf8'));
const index = readJson('index.json') as DemoIndexEntry[];
const bundles = new Map(index.map((e) => [e.patientId, readJson(e.file) as Bundle<FhirResource>]));
const resourcesOf = (patientId: string): FhirResource[] =>
  (bundles.get(patientId)?.entry ?? []).flatMap((e) => (e.resource ? [e.resource] : []));
const fhir = new Fhir();

// The validator has no terminology: example-binding value sets it lacks give "not found in value set" warnings for
// every real code. Anything else (errors, unexpected or missing properties) is a structural problem.
const structuralProblems = (resource: object): string[] =>
  fhir
    .validate(resource)
    .messages.filter((m) => !/not found in value set|could not be found/.test(m.message ?? ''))
    .map((m) => `${m.severity} ${m.location} ${m.resourceId}: ${m.message}`);

// Node ids no patient bundle can reach: an I/O failure, not data.
const UNREACHABLE_BY_DATA: readonly NodeId[] = ['D-DATA-UNAVAILABLE'];

describe('demo patients', () => {
  test('the committed files are exactly what demo/patients.ts builds (run `npx tsx demo/build-demo.ts` after a change)', () => {
    const { files, index: built } = buildDemo();
    expect(readFileSync(join(DEMO_DIR, 'index.json'), 'utf8')).toBe(toFileText(built));
    for (const { file, bundle } of files)
      expect([file, readFileSync(join(DEMO_DIR, file), 'utf8')]).toEqual([file, toFileText(bundle)]);
    const jsonFiles = readdirSync(DEMO_DIR)
      .filter((f) => f.endsWith('.json') && f !== 'index.json')
      .sort();
    expect(jsonFiles).toEqual(files.map((f) => f.file).sort());
  });

  test.each(index.map((e) => [e.patientId, e] as const))(
    '%s is a valid FHIR R4 transaction of PUTs with stable prefixed ids',
    (patientId, entry) => {
      const bundle = bundles.get(patientId);
      expect(bundle?.type).toBe('transaction');
      expect(fhir.validate(bundle ?? {}).valid).toBe(true);
      expect(structuralProblems(bundle ?? {})).toEqual([]);
      for (const e of bundle?.entry ?? []) {
        const r = e.resource;
        expect(r?.id === patientId || r?.id?.startsWith(`${patientId}-`)).toBe(true);
        expect(e.request).toEqual({ method: 'PUT', url: `${r?.resourceType}/${r?.id}` });
        expect(structuralProblems(r ?? {})).toEqual([]);
      }
      const patients = resourcesOf(patientId).filter((r) => r.resourceType === 'Patient');
      expect(patients.map((p) => p.id)).toEqual([patientId]);
      expect(entry.file).toBe(`${patientId}.json`);
    },
  );

  test('every reference in a bundle points to a resource of that bundle', () => {
    for (const { patientId } of index) {
      const ids = new Set(resourcesOf(patientId).map((r) => `${r.resourceType}/${r.id}`));
      const refs = JSON.stringify(bundles.get(patientId)).match(/"reference":"[^"]+"/g) ?? [];
      for (const ref of refs) expect([patientId, ids.has(ref.slice(13, -1))]).toEqual([patientId, true]);
    }
  });

  test('names each patient by what it demonstrates, adults born 1950-1985 and one child born 2014', () => {
    const years: number[] = [];
    for (const { patientId } of index) {
      const p = resourcesOf(patientId).find((r) => r.resourceType === 'Patient');
      if (p?.resourceType !== 'Patient') throw new Error(`no Patient in ${patientId}`);
      expect(p.name?.[0]?.family).toBeTruthy();
      expect(p.name?.[0]?.given?.[0]).toBeTruthy();
      years.push(Number(p.birthDate?.slice(0, 4)));
    }
    expect(years.filter((y) => y === 2014)).toHaveLength(1);
    expect(years.filter((y) => y !== 2014).every((y) => y >= 1950 && y <= 1985)).toBe(true);
    expect(index.length).toBeGreaterThanOrEqual(25);
  });

  test('covers every node and safety rule of PATHWAY.md §4 and §5 (except D-DATA-UNAVAILABLE, an I/O failure)', () => {
    const reached = new Set(index.flatMap((e) => e.demonstrates));
    const missing = [...NODE_IDS, ...RULE_IDS].filter(
      (id) => !reached.has(id) && !UNREACHABLE_BY_DATA.includes(id as NodeId),
    );
    expect(missing).toEqual([]);
    const known = new Set<string>([...NODE_IDS, ...RULE_IDS]);
    expect(index.flatMap((e) => e.demonstrates).filter((id) => !known.has(id))).toEqual([]);
  });

  test('every demo medication is recognised as a §6 drug', () => {
    const meds = index
      .flatMap((e) => resourcesOf(e.patientId))
      .filter(
        (r): r is MedicationAdministration | MedicationRequest | MedicationStatement =>
          r.resourceType === 'MedicationAdministration' ||
          r.resourceType === 'MedicationRequest' ||
          r.resourceType === 'MedicationStatement',
      );
    expect(meds.length).toBeGreaterThan(50);
    for (const m of meds)
      expect([m.id, matchDrug(m.medicationCodeableConcept)?.drug !== undefined]).toEqual([m.id, true]);
  });

  test('treatment that must be current falls in the 42 days before 2026-11-23', () => {
    const latest = (patientId: string): string =>
      resourcesOf(patientId)
        .flatMap((r) =>
          r.resourceType === 'MedicationAdministration' && r.effectiveDateTime ? [r.effectiveDateTime] : [],
        )
        .sort()
        .at(-1) ?? '';
    for (const id of [
      'sts-lms-doxo-trab',
      'sts-lms-trab-maint',
      'sts-doxo-450',
      'sts-doxo-320',
      'sts-current-off-pathway',
    ]) {
      expect([id, latest(id) >= '2026-10-12' && latest(id) <= '2026-11-23']).toEqual([id, true]);
    }
  });
});
