/**
 * `X.field.value` read in one step (R.primitiveValue, planned by tools/elm-compiler from the ELM's types) gives what
 * the two reads it replaces give (`R.prop(R.prop(x, field), 'value')`, cql-exec-fhir's rules): on generated JSON with
 * the field absent, null, of the expected JSON type or not, with and without its `_field` extension object (one that
 * even carries a `value`), for strings, codes, booleans, decimals, ids, dates, date-times and instants, and on values
 * of another class than the plan's. The plans of the committed libraries take the one-step read. Function overloads
 * chosen once per argument class give the overload cql-execution's rule gives on every call.
 */
import fc from 'fast-check';
import * as R from '../../../src/engine/runtime/index.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_ELM_DIR } from '../../../src/cql/engine.js';
import { fhirHierarchy, findRecords, getCode, modelInfo, toLegacy } from '../../../src/engine/runtime/fhir.js';
import { staticOverload } from '../../../tools/elm-compiler/compile.js';
import { describeValue } from '../../helpers/engine-diff.js';

const FHIR = '{http://hl7.org/fhir}';
const READS: readonly [string, string][] = [
  ['Observation', 'status'],
  ['Observation', 'issued'],
  ['Observation', 'id'],
  ['Patient', 'birthDate'],
  ['Patient', 'active'],
  ['Patient', 'gender'],
  ['MedicationAdministration', 'status'],
  ['Condition', 'recordedDate'],
  ['Procedure', 'status'],
];
const json = fc.constantFrom(
  undefined,
  null,
  'final',
  'female',
  'true',
  true,
  false,
  0,
  72.5,
  '2025',
  '2025-03',
  '2025-03-04',
  '2025-03-04T10:15:30Z',
  '2025-03-04T10:15:30.123+05:30',
  'not a date',
  {},
  [],
  ['final'],
);
const extension = fc.constantFrom(
  undefined,
  null,
  { id: 'x1' },
  { extension: [{ url: 'http://example.org/x', valueString: 'y' }] },
  { value: 'from-extension' },
);

function resource(resourceType: string, field: string, value: unknown, extra: unknown): any {
  const r: any = { resourceType, id: 'r1' };
  if (value !== undefined) r[field] = value;
  if (extra !== undefined) r[`_${field}`] = extra;
  return r;
}
const value = (r: any): any =>
  findRecords({ resourceType: 'Bundle', entry: [{ resource: r }] }, `${FHIR}${r.resourceType}`)[0];
const safe = (f: () => unknown): unknown => {
  try {
    return describeValue(f());
  } catch (e) {
    return ['throws', String(e)];
  }
};

describe('X.field.value in one read', () => {
  it('equals the two reads on every JSON shape of the field', () => {
    fc.assert(
      fc.property(fc.constantFrom(...READS), json, extension, ([type, field], v, extra) => {
        const x = value(resource(type, field, v, extra));
        const plan = R.primitiveValuePlan(`${FHIR}${type}`, field);
        expect(safe(() => R.primitiveValue(x, plan))).toEqual(safe(() => R.prop(R.prop(x, field), 'value')));
      }),
      { numRuns: 2000, seed: 1403 },
    );
  });

  it('reads a value of another class, a non-FHIR value and null the long way, with the same answer', () => {
    const plan = R.primitiveValuePlan(`${FHIR}Observation`, 'status');
    const patient = value(resource('Patient', 'status', 'final', undefined));
    for (const x of [patient, null, undefined, { status: { value: 'final' } }, 'final']) {
      expect(safe(() => R.primitiveValue(x, plan))).toEqual(safe(() => R.prop(R.prop(x, 'status'), 'value')));
    }
    // A plan that is not a primitive field (a choice, a list, a nested path) always reads the long way.
    for (const [type, field] of [
      ['Observation', 'effective'],
      ['Observation', 'category'],
      ['Observation', 'code.text'],
    ]) {
      const x = value({
        resourceType: type,
        effectiveDateTime: '2025-01-01',
        category: [{ text: 'c' }],
        code: { text: 't' },
      });
      const p = R.primitiveValuePlan(`${FHIR}${type}`, field!);
      expect(safe(() => R.primitiveValue(x, p))).toEqual(safe(() => R.prop(R.prop(x, field!), 'value')));
      expect(p.resolved).toBeNull();
    }
  });

  it('plans a primitive field of a resource for the one-step read', () => {
    const plan = R.primitiveValuePlan(`${FHIR}Observation`, 'status');
    expect(R.primitiveValue(value(resource('Observation', 'status', 'final', undefined)), plan)).toBe('final');
    expect(plan.resolved).toMatchObject({ property: 'status', system: 'String' });
  });
});

describe('X.field read with a build-time plan (R.fhirProp)', () => {
  it('equals R.prop on every JSON shape, on choices and lists, on values of another class and on non-FHIR values', () => {
    const fields: readonly [string, string][] = [
      ...READS,
      ['Observation', 'effective'],
      ['Observation', 'value'],
      ['Observation', 'category'],
      ['Observation', 'code'],
      ['Condition', 'onset'],
      ['MedicationAdministration', 'dosage'],
    ];
    const shape = fc.oneof(
      json,
      fc.constantFrom({ coding: [{ code: 'x' }] }, [{ text: 't' }], { value: 3, unit: 'mg' }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...fields),
        fc.constantFrom(...fields),
        shape,
        extension,
        ([type, field], [other], v, extra) => {
          const plan = R.readPlan(`${FHIR}${type}`, field);
          const r = resource(other, field, v, extra);
          if (field === 'effective') r.effectiveDateTime = v;
          if (field === 'value') r.valueQuantity = v;
          for (const x of [value(r), null, undefined, { [field]: v }, 'text'])
            expect(safe(() => R.fhirProp(x, plan))).toEqual(safe(() => R.prop(x, field)));
        },
      ),
      { numRuns: 2000, seed: 1405 },
    );
  });
});

describe('(X.choice as FHIR.T).value read from the JSON (R.castValue)', () => {
  it('equals the reads and the cast, for every choice present or not, with _x objects, on other classes', () => {
    const v = fc.constantFrom(undefined, null, '2025-03-04', '2025-03-04T10:15:30Z', 7, true, 'text', {
      start: '2025-01-01',
    });
    const ext = fc.constantFrom(undefined, null, { id: 'e' }, { value: '2024-01-01' });
    const shape = fc.record(
      {
        effectiveDateTime: v,
        _effectiveDateTime: ext,
        effectivePeriod: fc.constantFrom(undefined, { start: '2025-01-01' }),
        effectiveInstant: v,
        valueString: v,
        valueInteger: v,
        _valueInteger: ext,
        valueQuantity: fc.constantFrom(undefined, { value: 3, unit: 'mg' }),
        valueBoolean: v,
      },
      { requiredKeys: [] },
    );
    const casts: readonly [string, string, string][] = [
      ['Observation', 'effective', 'dateTime'],
      ['Observation', 'effective', 'instant'],
      ['Observation', 'effective', 'Period'],
      ['Observation', 'value', 'integer'],
      ['Observation', 'value', 'string'],
      ['Observation', 'value', 'boolean'],
      ['Observation', 'value', 'Quantity'],
      ['MedicationAdministration', 'effective', 'dateTime'],
    ];
    fc.assert(
      fc.property(
        shape,
        fc.constantFrom(...casts),
        fc.constantFrom('Observation', 'MedicationAdministration'),
        (json, [type, field, as], rt) => {
          const x: R.FhirValue = value({ resourceType: rt, id: 'r', status: 'final', ...json });
          const plan = R.castPlan(`${FHIR}${type}`, field, `${FHIR}${as}`);
          const spec = { type: 'NamedTypeSpecifier', name: `${FHIR}${as}` };
          for (const y of [x, null, { [field]: 'x' }])
            expect(safe(() => R.castValue(y, plan))).toEqual(
              safe(() => R.prop(R.as(R.prop(y, field), spec, false), 'value')),
            );
        },
      ),
      { numRuns: 3000, seed: 1413 },
    );
  });
});

describe('codes of a concept (getCode, as a retrieve reads them)', () => {
  it('equal cql-exec-fhir getCode on codings with and without _code/_system extension objects', () => {
    const str = fc.constantFrom(undefined, null, 'x', '', 0, 'http://loinc.org');
    const ext = fc.constantFrom(undefined, null, { id: 'e' }, { value: 'from-extension' });
    const coding = fc.oneof(
      fc.record(
        { code: str, system: str, version: str, display: str, _code: ext, _system: ext, _display: ext },
        { requiredKeys: [] },
      ),
      fc.constantFrom(null, 'not a coding', 5),
    );
    const concept = fc.oneof(
      fc.record(
        { coding: fc.oneof(fc.array(coding, { maxLength: 3 }), fc.constantFrom(null, 'x', {})), text: str },
        { requiredKeys: [] },
      ),
      fc.constantFrom(null, 'a concept', 3),
    );
    fc.assert(
      fc.property(concept, (code) => {
        const x: R.FhirValue = value({ resourceType: 'Observation', id: 'o', status: 'final', code });
        const legacy = toLegacy(x) as { getCode(field: string): unknown };
        expect(safe(() => getCode(x, 'code'))).toEqual(safe(() => legacy.getCode('code')));
      }),
      { numRuns: 2000, seed: 1411 },
    );
  });
});

describe('FHIR dateTime and instant values', () => {
  it('read as cql-exec-fhir reads them (the offset stated, or the machine offset), again from the remembered fields', () => {
    const text = fc.oneof(
      json,
      fc.constantFrom('2025-03-04T10:15:30', '2025-03-04T10:15', '2025-03-04T10:15:30.5-05:00', '2025-03-04T10Z'),
      fc.stringMatching(
        /^[0-9]{4}(-[0-9]{2}(-[0-9]{2}(T[0-9]{2}(:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,3})?)?)?)?)?)?(Z|[+-][0-9]{2}:[0-9]{2})?$/,
      ),
    );
    fc.assert(
      fc.property(text, fc.constantFrom('issued', 'effectiveDateTime'), (v, field) => {
        const x = value({ resourceType: 'Observation', id: 'o', status: 'final', [field]: v });
        const name = field === 'issued' ? 'issued' : 'effective';
        const legacy = (): unknown => {
          const e = (toLegacy(x) as { get(f: string): { value: unknown } | null | undefined }).get(name);
          return e == null ? e : e.value;
        };
        for (let i = 0; i < 2; i++) expect(safe(() => R.prop(R.prop(x, name), 'value'))).toEqual(safe(legacy));
      }),
      { numRuns: 1000, seed: 1412 },
    );
  });
});

describe('FHIR date values', () => {
  it('read as cql-exec-fhir reads them, again from the remembered fields', () => {
    const text = fc.oneof(
      json,
      fc.stringMatching(/^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$/),
      fc.stringMatching(/^[0-9-]{0,12}$/),
    );
    fc.assert(
      fc.property(text, (v) => {
        const x = value(resource('Patient', 'birthDate', v, undefined));
        const legacy = (): unknown => {
          const legacyValue = toLegacy(x) as { get(field: string): { value: unknown } | null | undefined };
          const e = legacyValue.get('birthDate');
          return e == null ? e : e.value;
        };
        for (let i = 0; i < 2; i++) expect(safe(() => R.prop(R.prop(x, 'birthDate'), 'value'))).toEqual(safe(legacy));
      }),
      { numRuns: 1000, seed: 1404 },
    );
  });
});

describe('overloads chosen once per FHIR class', () => {
  it('calls what the arity-and-type rule calls, for each class, null and a tuple, on every call', () => {
    const named = (name: string): unknown => ({ type: 'NamedTypeSpecifier', name: `${FHIR}${name}` });
    const calls: string[] = [];
    const overload = (label: string, type: unknown): [(st: unknown, ...a: unknown[]) => unknown, number, unknown[]] => [
      (_st, x) => {
        calls.push(label);
        return x;
      },
      1,
      [type],
    ];
    const table = [
      overload('observation', named('Observation')),
      overload('resource', named('Resource')),
      overload('administration', named('MedicationAdministration')),
    ];
    const obs = value(resource('Observation', 'status', 'final', undefined));
    const admin = value(resource('MedicationAdministration', 'status', 'completed', undefined));
    const patient = value(resource('Patient', 'active', true, undefined));
    for (let round = 0; round < 2; round++) {
      calls.length = 0;
      for (const x of [obs, admin, patient, null]) R.dispatch({}, [x], table);
      // Observation: observation and resource match, the last one wins; null matches all.
      expect(calls).toEqual(['resource', 'administration', 'resource', 'administration']);
    }
    const tupleTable = [
      overload('tuple', { type: 'TupleTypeSpecifier', element: [{ name: 'json', elementType: named('Observation') }] }),
      overload('observation', named('Observation')),
    ];
    calls.length = 0;
    R.dispatch({}, [obs], tupleTable);
    expect(calls).toEqual(['observation']);
  });
});

describe('overloads chosen at build time (tools/elm-compiler staticOverload)', () => {
  it('give what the dispatcher calls, for every one-argument overload set of the libraries and every FHIR class', () => {
    interface Def {
      readonly type: string;
      readonly name: string;
      readonly operand?: readonly { operandTypeSpecifier?: { type: string; name?: string } }[];
    }
    const sets: Def[][] = [];
    for (const file of readdirSync(DEFAULT_ELM_DIR).filter((f) => f.endsWith('.elm.json'))) {
      const elm = JSON.parse(readFileSync(join(DEFAULT_ELM_DIR, file), 'utf8')) as {
        library: { statements?: { def?: Def[] } };
      };
      const byName = new Map<string, Def[]>();
      for (const f of (elm.library.statements?.def ?? []).filter(
        (d) => d.type === 'FunctionDef' && (d.operand ?? []).length === 1,
      ))
        byName.set(f.name, [...(byName.get(f.name) ?? []), f]);
      sets.push(...[...byName.values()].filter((l) => l.length > 1));
    }
    const classes = new Set<string>([`${FHIR}Resource`, `${FHIR}DomainResource`, `${FHIR}Element`, `${FHIR}Quantity`]);
    for (const set of sets)
      for (const f of set) {
        const name = f.operand?.[0]?.operandTypeSpecifier?.name;
        if (name !== undefined) classes.add(name);
      }
    let decided = 0;
    for (const set of sets) {
      const table: Parameters<typeof R.dispatch>[2] = set.map((f, i) => [
        (): unknown => i,
        1,
        [f.operand?.[0]?.operandTypeSpecifier],
      ]);
      for (const type of classes) {
        const chosen: unknown = staticOverload(type, set, fhirHierarchy);
        if (chosen === undefined) continue;
        decided++;
        const x = new R.FhirValue({}, (modelInfo() as { findClass(t: string): unknown }).findClass(type));
        expect(R.dispatch({}, [x], table)).toBe(set.indexOf(chosen as Def));
        expect(R.dispatch({}, [null], table)).toBe(set.length - 1);
      }
    }
    // The sets of the committed libraries (FirstDate, LastDay, MedicationConcept, ToString...) are decided here.
    expect(decided).toBeGreaterThan(20);
  });
});
