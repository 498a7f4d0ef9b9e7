/**
 * The shape guard is strict exactly where the CQL reads (src/cql/pathway-reads.ts derives that from the ELM). These
 * tests run the engine over every demo patient with cql-exec-fhir's property reader watched, and fail when the CQL reads
 * an element the derivation does not list: then the guard would let a wrong-typed value of it through to the engine.
 */
import { createRequire } from 'node:module';
import { DEFAULT_THRESHOLDS } from '../../../src/config.js';
import { createCqlEngine } from '../../../src/cql/engine.js';
import { classOf, elementClasses, fqn } from '../../../src/cql/model-info.js';
import { elmReads } from '../../../src/cql/pathway-reads.js';
import { evaluateLibrary } from '../../../src/cql/pathway.js';
import { createShapeGuard } from '../../../src/cql/shape-guard.js';
import { readDemoBundles } from '../../../src/embedded/demo-bundles.js';
import { DEMO_DIR } from '../../../src/embedded/index.js';
import { CONDITION_RELATED_EXT } from '../../../src/pathway/systems.js';
import { compiledLibraries, cqlReadsOfRepo, modelInfo } from '../../helpers/shape-guard.js';

const require = createRequire(import.meta.url);
const NOW = new Date('2026-11-23T12:00:00Z');

/** "Class.element" of every FHIR property the engine reads while `run` runs (not counting de-duplication's full walks). */
async function watchReads(run: () => Promise<void>): Promise<Set<string>> {
  const seen = new Set<string>();
  // The FHIRObject prototype, reached through a patient of a throwaway source (cql-exec-fhir does not export it).
  const { PatientSource } = require('cql-exec-fhir') as {
    PatientSource: { FHIRv401(): { loadBundles(b: unknown[]): void; currentPatient(): object } };
  };
  const source = PatientSource.FHIRv401();
  source.loadBundles([
    { resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Patient', id: 'p' } }] },
  ]);
  const patientPrototype = Reflect.getPrototypeOf(source.currentPatient());
  const fhirObject = patientPrototype && Reflect.getPrototypeOf(patientPrototype);
  if (!fhirObject) throw new Error('cql-exec-fhir: no FHIRObject prototype (version changed?)');
  const list = require('cql-execution/lib/elm/list.js') as { toDistinctList: (l: unknown[]) => unknown[] };
  const originals = {
    get: Reflect.get(fhirObject, 'get') as (this: object, field: string) => unknown,
    getCode: Reflect.get(fhirObject, 'getCode') as (this: object, field: string) => unknown,
    distinct: list.toDistinctList,
  };
  let inDistinct = 0;
  // De-duplication reads every element of a resource; the guard covers that by dropping every ill-typed field.
  Object.defineProperty(list, 'toDistinctList', {
    value: (l: unknown[]) => {
      inDistinct++;
      try {
        return originals.distinct(l);
      } finally {
        inDistinct--;
      }
    },
    writable: true,
    configurable: true,
    enumerable: true,
  });
  for (const key of ['get', 'getCode'] as const) {
    Object.defineProperty(fhirObject, key, {
      configurable: true,
      writable: true,
      value: function (this: { _typeInfo?: { name?: string } }, field: string): unknown {
        if (inDistinct === 0) seen.add(`${this._typeInfo?.name ?? '?'}.${field.split('.')[0] ?? field}`);
        return Reflect.apply(originals[key], this, [field]);
      },
    });
  }
  try {
    await run();
  } finally {
    Object.defineProperty(fhirObject, 'get', { value: originals.get, writable: true, configurable: true });
    Object.defineProperty(fhirObject, 'getCode', { value: originals.getCode, writable: true, configurable: true });
    Object.defineProperty(list, 'toDistinctList', {
      value: originals.distinct,
      writable: true,
      configurable: true,
      enumerable: true,
    });
  }
  return seen;
}

describe('what the pathway reads', () => {
  test('every property read in the CQL is typed (none left for the guard to guess)', () => {
    expect(elmReads(compiledLibraries(), elementClasses(modelInfo())).unresolved).toEqual([]);
  });

  test('every FHIR element the engine reads over the demo patients (patient-view and order-time) is in the derived reads', async () => {
    // The interpreter: its reads pass through cql-exec-fhir's reader (the compiled engine reads the same elements, as
    // test/integration/engine/engine-diff.test.ts proves it answers the same).
    const engine = createCqlEngine({ resultCacheSize: 0, engine: 'interpreter' });
    const reads = cqlReadsOfRepo();
    const demo = await readDemoBundles(DEMO_DIR);
    const opts = { now: NOW, thresholds: DEFAULT_THRESHOLDS, timeZone: 'UTC' };
    const drafts = {
      Drafts: [
        { id: 'd1', drug: 'doxorubicin', liposomal: false, anthracycline: true, mesna: false },
        { id: 'd2', drug: 'pazopanib', liposomal: false, anthracycline: false, mesna: false },
      ],
      'Order Sign': true,
    };
    const seen = await watchReads(async () => {
      for (const { bundle } of demo) {
        const data = { bundle, unreadable: new Map<string, string>() };
        await evaluateLibrary(engine, 'StsPathway', data, opts);
        await evaluateLibrary(engine, 'StsOrders', data, opts, drafts);
      }
    });
    // An element read on a class is read on its subclasses too, as the guard checks it (a Quantity's comparator on
    // the SimpleQuantity cql-exec-fhir makes of a valueQuantity).
    const model = modelInfo();
    const readOnLineage = (cls: string, element: string): boolean => {
      for (let c = classOf(model, `FHIR.${cls}`), i = 0; c !== undefined && i < 20; i++) {
        if (reads.elements.get(c.name)?.has(element)) return true;
        c = c.base?.kind === 'named' && c.base.namespace === 'FHIR' ? classOf(model, fqn(c.base)) : undefined;
      }
      return false;
    };
    // Primitive wrappers (FHIR.string.value...) are checked by their JSON type wherever their element is read.
    const missing = [...seen].filter((r) => {
      const [cls = '', element = ''] = r.split(/\.(?=[^.]+$)/);
      return cls[0] === cls[0]?.toUpperCase() && !readOnLineage(cls, element) && !/Status$|Intent$/.test(cls);
    });
    expect(seen.size).toBeGreaterThan(30);
    expect(missing).toEqual([]);
  }, 120_000);

  test('reads what PATHWAY.md §2 names and not what it never looks at', () => {
    const { elements, extensionUrls } = cqlReadsOfRepo();
    expect([...(elements.get('MedicationRequest') ?? [])]).toEqual(
      expect.arrayContaining(['status', 'medication', 'authoredOn']),
    );
    expect(elements.get('MedicationRequest')?.has('category')).toBe(false);
    expect(elements.get('MedicationRequest')?.has('reasonCode')).toBe(false);
    expect([...(elements.get('Observation') ?? [])]).toEqual(
      expect.arrayContaining(['status', 'code', 'effective', 'issued', 'value']),
    );
    expect(extensionUrls.has(CONDITION_RELATED_EXT)).toBe(true);
  });

  test('a CQL that starts reading an element makes the guard strict on it', () => {
    // StsTreatment with one more read: MedicationRequest.category, on the alias of a [MedicationRequest] query.
    const libraries = compiledLibraries();
    const extra = {
      library: {
        identifier: { id: 'Extra' },
        statements: {
          def: [
            {
              name: 'Categories',
              expression: {
                type: 'Query',
                source: [
                  {
                    alias: 'R',
                    expression: {
                      type: 'Retrieve',
                      dataType: '{http://hl7.org/fhir}MedicationRequest',
                      resultTypeSpecifier: {
                        type: 'ListTypeSpecifier',
                        elementType: { type: 'NamedTypeSpecifier', name: '{http://hl7.org/fhir}MedicationRequest' },
                      },
                    },
                  },
                ],
                return: { expression: { type: 'Property', path: 'category', scope: 'R' } },
              },
            },
          ],
        },
      },
    };
    const model = modelInfo();
    const before = createShapeGuard(model, cqlReadsOfRepo());
    const after = createShapeGuard(model, elmReads([...libraries, extra], elementClasses(model)).reads);
    const draft = { resourceType: 'MedicationRequest', id: 'm', status: 'draft', category: { coding: [] } };
    expect(before.check(draft)).toBeUndefined();
    expect(after.check(draft)?.field).toBe('category');
  });
});
