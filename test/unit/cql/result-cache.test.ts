/**
 * The result cache: an LRU keyed on the exact input. A repeated identical evaluation is served from it; any change in the
 * Bundle (same patient id), the parameters or the day is a different key and gets a fresh answer.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCqlEngine, type CqlEngine } from '../../../src/cql/engine.js';
import { thresholdParameters } from '../../../src/cql/parameters.js';
import { pathwayParameters } from '../../../src/cql/pathway.js';
import { createResultCache, resultKey } from '../../../src/cql/result-cache.js';
import { DEFAULT_THRESHOLDS } from '../../../src/pathway/thresholds.js';
import { DEMO_DIR } from '../../../src/embedded/index.js';

type Json = Record<string, unknown>;

const demoBundle = (file: string): Json => {
  const b = JSON.parse(readFileSync(join(DEMO_DIR, file), 'utf8')) as { entry: { resource: Json }[] };
  return { resourceType: 'Bundle', type: 'collection', entry: b.entry.map((e) => ({ resource: e.resource })) };
};
const withBirthDate = (bundle: Json, birthDate: string): Json => {
  const copy = structuredClone(bundle) as { entry: { resource: Json }[] };
  for (const e of copy.entry) if (e.resource.resourceType === 'Patient') e.resource.birthDate = birthDate;
  return copy;
};
const NOW = new Date('2026-11-23T12:00:00Z');
const ageOf = (r: Record<string, unknown>): unknown => (r.Age as { value?: unknown } | null)?.value;

describe('result cache in the engine', () => {
  let engine: CqlEngine;
  beforeAll(() => {
    engine = createCqlEngine({ timeZone: 'UTC', resultCacheSize: 8 });
  });

  test('serves an identical input (a new object with the same content) from the cache', async () => {
    const before = engine.cacheStats?.();
    const a = await engine.evaluate('StsDiagnosis', demoBundle('sts-lms-1l.json'), { now: NOW });
    const b = await engine.evaluate('StsDiagnosis', demoBundle('sts-lms-1l.json'), { now: NOW });
    expect(b).toEqual(a);
    expect(engine.cacheStats?.().hits).toBe((before?.hits ?? 0) + 1);
  });

  test('a changed resource of the same patient changes the answer', async () => {
    const bundle = demoBundle('sts-lms-1l.json');
    const first = await engine.evaluate('StsDiagnosis', withBirthDate(bundle, '1960-01-01'), { now: NOW });
    const changed = await engine.evaluate('StsDiagnosis', withBirthDate(bundle, '2000-01-01'), { now: NOW });
    expect(ageOf(first)).toBe(66);
    expect(ageOf(changed)).toBe(26);
  });

  test('another day is another key', async () => {
    const bundle = withBirthDate(demoBundle('sts-lms-1l.json'), '1960-11-24');
    const before = await engine.evaluate('StsDiagnosis', bundle, { now: NOW });
    const after = await engine.evaluate('StsDiagnosis', bundle, { now: new Date('2026-11-24T12:00:00Z') });
    expect([ageOf(before), ageOf(after)]).toEqual([65, 66]);
  });

  test('a caller changing a value deep in its answer does not change what the next caller gets (raw and plain entries)', async () => {
    // StsPathway's results hold no FHIR value but its Patient (the cache keeps its raw values); StsTreatment's
    // "Administrations" are FHIR resources (the cache keeps plain values and copies them).
    for (const library of ['StsPathway', 'StsTreatment']) {
      const bundle = demoBundle('sts-lms-trab-maint.json');
      const parameters =
        library === 'StsTreatment'
          ? { ...thresholdParameters(DEFAULT_THRESHOLDS), DraftOrderIds: [], Incomplete: '' }
          : pathwayParameters(
              { bundle: { resourceType: 'Bundle', type: 'collection' }, unreadable: new Map() },
              { now: NOW, thresholds: DEFAULT_THRESHOLDS, timeZone: 'UTC' },
            );
      const a = await engine.evaluate(library, bundle, { now: NOW, parameters });
      const snapshot = JSON.parse(JSON.stringify(a)) as unknown;
      for (const value of Object.values(a)) {
        if (Array.isArray(value) && value.length > 0 && typeof value[0] === 'object' && value[0] !== null)
          (value[0] as Record<string, unknown>).changed = true;
        else if (Array.isArray(value)) value.push('changed');
      }
      const b = await engine.evaluate(library, structuredClone(bundle), { now: NOW, parameters });
      expect(JSON.parse(JSON.stringify(b))).toEqual(snapshot);
    }
  });

  test('a caller changing its answer does not change the cached one', async () => {
    const a = await engine.evaluate('StsDiagnosis', demoBundle('sts-ups-arm.json'), { now: NOW });
    a.Age = 'changed';
    const b = await engine.evaluate('StsDiagnosis', demoBundle('sts-ups-arm.json'), { now: NOW });
    expect(b.Age).not.toBe('changed');
  });
});

describe('createResultCache', () => {
  test('evicts the least recently used entry beyond its bound', async () => {
    const cache = createResultCache<number>(2);
    let computed = 0;
    const get = (k: string): Promise<number> => cache.getOrCompute(k, async () => ++computed);
    await get('a');
    await get('b');
    await get('a'); // a is now the most recent
    await get('c'); // evicts b
    expect(await get('a')).toBe(1);
    expect(await get('b')).toBe(4);
    expect(cache.stats()).toMatchObject({ size: 2, maxEntries: 2 });
  });

  test('runs concurrent identical computations once and does not keep failures', async () => {
    const cache = createResultCache<number>(4);
    let runs = 0;
    const slow = async (): Promise<number> => {
      runs++;
      await new Promise((r) => setTimeout(r, 10));
      return 7;
    };
    expect(await Promise.all([cache.getOrCompute('k', slow), cache.getOrCompute('k', slow)])).toEqual([7, 7]);
    expect(runs).toBe(1);
    await expect(cache.getOrCompute('bad', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await cache.getOrCompute('bad', async () => 1)).toBe(1);
  });

  test('size 0 never caches', async () => {
    const cache = createResultCache<number>(0);
    let n = 0;
    await cache.getOrCompute('k', async () => ++n);
    expect(await cache.getOrCompute('k', async () => ++n)).toBe(2);
  });

  test('keys differ when any part differs', () => {
    expect(resultKey(['L', { a: 1 }])).toBe(resultKey(['L', { a: 1 }]));
    expect(resultKey(['L', { a: 1 }])).not.toBe(resultKey(['L', { a: 2 }]));
    expect(resultKey(['ab', 'c'])).not.toBe(resultKey(['a', 'bc']));
  });
});
