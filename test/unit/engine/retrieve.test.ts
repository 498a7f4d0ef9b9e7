/**
 * A retrieve filtered by a list of codes (src/engine/runtime/index.ts) reads an index of the resources' codes once a
 * type has enough resources: it must keep exactly the resources, in order, that cql-execution's filter keeps
 * (`c.some(x => x.hasMatch(code))`, Code.hasMatch of cql-execution 3.3.2), on generated codes: codings with and
 * without system or code, repeated codings, text-only concepts, string codes, and code lists with repeats.
 */
import fc from 'fast-check';
import { Code, CodeService, DateTime, ValueSet } from 'cql-execution';
import * as R from '../../../src/engine/runtime/index.js';
import { findRecords, getCode } from '../../../src/engine/runtime/fhir.js';

const FHIR = '{http://hl7.org/fhir}';
const system = fc.constantFrom(undefined, 'http://loinc.org', 'http://snomed.info/sct', '');
const code = fc.constantFrom(undefined, '89247-1', '10230-1', '8302-2', 'x', '');
const coding = fc.record({ system, code }, { requiredKeys: [] });
const concept = fc.oneof(
  fc.record({ coding: fc.array(coding, { maxLength: 3 }) }),
  fc.record({ text: fc.constant('ECOG') }),
  fc.constant(undefined),
);
const codes = fc.array(
  fc.tuple(code, system).map(([c, s]) => new Code(c as string, s)),
  { maxLength: 4 },
);

describe('a retrieve by a list of codes', () => {
  it('keeps what the scan with Code.hasMatch keeps, in order, for types with many resources', () => {
    fc.assert(
      fc.property(fc.array(concept, { minLength: 20, maxLength: 60 }), codes, codes, (concepts, c1, c2) => {
        const bundle = {
          resourceType: 'Bundle',
          entry: concepts.map((cc, i) => ({
            resource: { resourceType: 'Observation', id: `o${i}`, status: 'final', ...(cc ? { code: cc } : {}) },
          })),
        };
        const env = R.createEnv(bundle, {}, DateTime.fromJSDate(new Date(), 0), new CodeService({}));
        for (const c of [c1, c2, c1]) {
          const scan = findRecords(bundle, `${FHIR}Observation`).filter((r) =>
            c.some((x) => x.hasMatch(getCode(r, 'code'))),
          );
          const got = R.retrieve(env, `${FHIR}Observation`, () => c, 'code');
          const json = (r: R.FhirValue): unknown => r.json;
          expect(got.map(json)).toEqual(scan.map(json));
          got.forEach((r, i) => expect(r.json).toBe(scan[i]!.json));
        }
      }),
      { numRuns: 500, seed: 1406 },
    );
  });
});

describe('a retrieve by a value set', () => {
  it('keeps what the scan with ValueSet.hasMatch keeps, in order (or fails as it fails)', () => {
    // Observation.language is a FHIR code: read as a string, it takes the value set's string rule (which fails when
    // the set has several code systems); Observation.code as a concept takes the code-and-system rule.
    const language = fc.constantFrom(undefined, '89247-1', 'x', 'en');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(concept, language), { minLength: 20, maxLength: 60 }),
        codes,
        fc.constantFrom('code', 'language'),
        (list, members, property) => {
          const bundle = {
            resourceType: 'Bundle',
            entry: list.map(([cc, lang], i) => ({
              resource: {
                resourceType: 'Observation',
                id: `o${i}`,
                status: 'final',
                ...(cc ? { code: cc } : {}),
                ...(lang !== undefined ? { language: lang } : {}),
              },
            })),
          };
          const vs = new ValueSet('urn:test:vs', '1', members);
          const service = new CodeService({});
          service.findValueSet = () => vs;
          const env = R.createEnv(bundle, {}, DateTime.fromJSDate(new Date(), 0), service);
          const outcome = (f: () => R.FhirValue[]): unknown => {
            try {
              return f().map((r) => r.json as unknown);
            } catch (e) {
              return ['throws', String(e)];
            }
          };
          const scan = outcome(() =>
            findRecords(bundle, `${FHIR}Observation`).filter((r) => vs.hasMatch(getCode(r, property))),
          );
          const got = outcome(() =>
            R.retrieve(env, `${FHIR}Observation`, () => ({ isValueSet: true, id: 'urn:test:vs' }), property),
          );
          expect(got).toEqual(scan);
        },
      ),
      { numRuns: 500, seed: 1410 },
    );
  });
});
