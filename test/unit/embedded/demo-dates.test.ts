/**
 * The demo patients stay current (src/embedded/demo-dates.ts): loaded on any later day with their dates moved, each
 * one reaches the same nodes as on the day it was built, where the files as they are would not.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle, Observation } from 'fhir/r4.js';
import { ConfigError, DEFAULT_THRESHOLDS, loadConfig } from '../../../src/config.js';
import { createCqlEngine } from '../../../src/cql/engine.js';
import { evaluatePathway } from '../../../src/cql/pathway.js';
import {
  createFhirRouter,
  DEMO_DATED_AGAINST,
  DEMO_DIR,
  demoDayShift,
  loadDemoPatients,
  shiftDates,
} from '../../../src/embedded/index.js';
import { shiftDateString } from '../../../src/embedded/demo-dates.js';

interface DemoEntry {
  readonly file: string;
  readonly patientId: string;
}
const INDEX = JSON.parse(readFileSync(join(DEMO_DIR, 'index.json'), 'utf8')) as DemoEntry[];
const demoBundle = (file: string): Bundle => JSON.parse(readFileSync(join(DEMO_DIR, file), 'utf8')) as Bundle;

describe('shiftDateString', () => {
  test.each([
    ['2026-11-23', 10, '2026-12-03'],
    ['2026-11-23T09:30:00Z', 39, '2027-01-01T09:30:00Z'],
    ['2026-03-01T08:00:00.123+02:00', -1, '2026-02-28T08:00:00.123+02:00'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2026-11-23T10:00', 365, '2027-11-23T10:00'],
  ])('%s moved by %i days is %s (time and offset as written)', (from, days, to) => {
    expect(shiftDateString(from, days)).toBe(to);
  });

  test.each(['2025-06', '2025', '3639', 'C49.12', '8890/3', 'sts-lms-1l-c', 'not a date', '2026-13-45'])(
    '%s is not a full date and stays as it is',
    (value) => {
      expect(shiftDateString(value, 30)).toBe(value);
    },
  );
});

test('demoDayShift counts whole days from the day the demo is dated against', () => {
  expect(demoDayShift(DEMO_DATED_AGAINST)).toBe(0);
  expect(demoDayShift('2027-01-01')).toBe(39);
  expect(demoDayShift('2026-11-01')).toBe(-22);
  expect(() => demoDayShift('tomorrow')).toThrow(/not a date/);
});

test('the date elements of the demo files hold full dates only (partial dates would not move)', () => {
  const dateKey = /(Date|DateTime|Instant)$|^(authoredOn|start|end|issued|date|recorded)$/;
  const found: string[] = [];
  const walk = (v: unknown, key: string): void => {
    if (typeof v === 'string' && dateKey.test(key)) found.push(v);
    else if (Array.isArray(v)) v.forEach((x) => walk(x, key));
    else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  for (const e of INDEX) walk(demoBundle(e.file), '');
  expect(found.length).toBeGreaterThan(300);
  expect(found.filter((d) => shiftDateString(d, 1) === d)).toEqual([]);
});

describe('a year later, the demo patients with their dates moved reach the nodes they were built for', () => {
  const engine = createCqlEngine({ resultCacheSize: 0 });
  const builtFor = new Date(`${DEMO_DATED_AGAINST}T12:00:00Z`);
  const later = new Date(builtFor.getTime() + 400 * 86_400_000);
  const nodesOf = async (bundle: Bundle, now: Date): Promise<string[]> => {
    const collection: Bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: (bundle.entry ?? []).map((e) => ({ resource: e.resource })),
    };
    const decision = await evaluatePathway(
      engine,
      { bundle: collection, unreadable: new Map() },
      { now, thresholds: DEFAULT_THRESHOLDS, timeZone: 'UTC' },
    );
    return decision.nodes.map((n) => `${n.id}:${n.role}`);
  };

  test('every patient: moved by 400 days and read 400 days later, the same nodes and roles', async () => {
    const unmovedDiffers: string[] = [];
    for (const e of INDEX) {
      const bundle = demoBundle(e.file);
      const asBuilt = await nodesOf(bundle, builtFor);
      expect([
        e.patientId,
        await nodesOf(shiftDates(bundle, demoDayShift(later.toISOString().slice(0, 10))), later),
      ]).toEqual([e.patientId, asBuilt]);
      if (JSON.stringify(await nodesOf(bundle, later)) !== JSON.stringify(asBuilt)) unmovedDiffers.push(e.patientId);
    }
    // Without the move, the patients on a current regimen would have lost it (demo/README.md "Dates").
    expect(unmovedDiffers).toEqual(expect.arrayContaining(['sts-lms-doxo-trab', 'sts-lms-trab-maint']));
  });
});

test('loadDemoPatients with shiftDays serves every date moved', async () => {
  const fhir = await createFhirRouter();
  expect((await loadDemoPatients(fhir, undefined, { shiftDays: 30 })).failures).toEqual([]);
  const file = demoBundle('sts-lms-doxo-trab.json');
  const original = (file.entry ?? [])
    .map((e) => e.resource)
    .find((r): r is Observation => r?.resourceType === 'Observation');
  expect(original?.effectiveDateTime).toBeDefined();
  const served = (await fhir.handle('GET', `Observation/${original?.id}`)).body as Observation;
  expect(served.effectiveDateTime).toBe(shiftDateString(original?.effectiveDateTime ?? '', 30));
  expect(served.effectiveDateTime).not.toBe(original?.effectiveDateTime);
});

test('DEMO_DATES accepts current (the default) and as-built, and names itself otherwise', () => {
  expect(loadConfig({ LOG_LEVEL: 'silent' }).demoDates).toBe('current');
  expect(loadConfig({ LOG_LEVEL: 'silent', DEMO_DATES: 'as-built' }).demoDates).toBe('as-built');
  expect(() => loadConfig({ LOG_LEVEL: 'silent', DEMO_DATES: 'yesterday' })).toThrow(ConfigError);
  expect(() => loadConfig({ LOG_LEVEL: 'silent', DEMO_DATES: 'yesterday' })).toThrow(/DEMO_DATES/);
});
