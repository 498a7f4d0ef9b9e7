import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { factEntries, leftOutWords } from '../../../src/cards/fact-entries.js';
import type { DataQuality } from '../../../src/cql/decision.js';
import { toPatientFacts } from '../../../src/cql/patient-facts.js';
import { EVIDENCE_KIND_WORDS } from '../../../src/pathway/card-texts.js';
import { ROOT } from '../../../scripts/validate-deploy.js';

const quality = (over: Partial<DataQuality> = {}): DataQuality => ({
  unreadable: new Map(),
  incomplete: new Map(),
  notices: { warnings: [], leftOut: [] },
  ...over,
});

const valueOf = (entries: readonly { fact: string; value: string }[], fact: string): string | undefined =>
  entries.find((e) => e.fact === fact)?.value;

describe('the "Based on" facts in words', () => {
  test('the resources left out say how many and why, by type', () => {
    expect(
      leftOutWords([
        { reason: 'another-patient', resourceType: 'Condition', count: 2 },
        { reason: 'no-reference', resourceType: 'Observation', count: 1 },
      ]),
    ).toBe(
      '3 resources not counted: 2 of another patient (Condition 2); 1 with no patient reference (missing, or an identifier only) (Observation 1)',
    );
  });

  test('every card names the first five server notes and counts the others', () => {
    const warnings = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((w) => `Condition: ${w}`);
    const entries = factEntries(toPatientFacts({}), quality({ notices: { warnings, leftOut: [] } }));
    expect(valueOf(entries, 'FHIR server notes')).toBe(
      'Condition: a; Condition: b; Condition: c; Condition: d; Condition: e; and 2 more',
    );
  });

  test('a histology not found names what the pathway looks for, with its codes', () => {
    const entries = factEntries(toPatientFacts({ 'Fact Histology': {} }), quality());
    expect(valueOf(entries, 'Histology')).toMatch(/^not found \(looked for: .*LOINC 31206-6 with an ICD-O-3 value\)$/);
  });

  test('a fact the library did not find says what was looked for', () => {
    const entries = factEntries(toPatientFacts({ 'Fact Grade': {} }), quality());
    expect(valueOf(entries, 'Grade')).toBe(
      'not found (looked for: a histologic grade Observation (NCIt C18000, LOINC 33732-9))',
    );
    expect(valueOf(entries, 'Age')).toBe('not found (looked for: Patient.birthDate)');
  });

  test('unreadable Conditions make histology, extent and site unavailable, not absent', () => {
    const entries = factEntries(toPatientFacts({}), quality({ unreadable: new Map([['Condition', 'HTTP 500']]) }));
    expect(entries.map((e) => [e.fact, e.value])).toEqual([
      ['Conditions', 'unavailable (Condition could not be read: HTTP 500)'],
      ['Histology', 'unavailable (the Conditions could not be read)'],
      ['Extent', 'unavailable (the Conditions could not be read)'],
      ['Primary site', 'unavailable (the Conditions could not be read)'],
      ['Age', 'not found (looked for: Patient.birthDate)'],
    ]);
  });

  test('a medication type read only in part makes the line and the cumulative dose lower bounds', () => {
    const entries = factEntries(
      toPatientFacts({}),
      quality({ incomplete: new Map([['MedicationAdministration', '2 pages not followed']]) }),
    );
    expect(valueOf(entries, 'Treatment history')).toBe(
      'incomplete (MedicationAdministration: 2 pages not followed): the line and the cumulative dose are lower bounds (at least)',
    );
  });
});

describe('evidence of another primary cancer in words', () => {
  test('every kind of evidence StsDiagnosis can ignore is worded, never shown as its code', () => {
    const cql = readFileSync(join(ROOT, 'cql', 'StsDiagnosis.cql'), 'utf8');
    const kinds = [...cql.matchAll(/kind: (?:if \w+ then )?'([^']+)'(?: else '([^']+)')?/g)].flatMap((m) =>
      [m[1], m[2]].filter((k): k is string => k !== undefined),
    );
    expect(kinds.length).toBeGreaterThanOrEqual(6);
    for (const kind of kinds) expect([kind, EVIDENCE_KIND_WORDS[kind]]).toEqual([kind, expect.any(String)]);
  });

  test('an ignored M category reads as words, with its value and why', () => {
    const facts = toPatientFacts({
      'Fact Ignored Evidence': [
        {
          resource: 'Observation/m1',
          kind: 'm-category',
          value: 'M1',
          reason: { code: 'notSts', keys: ['Condition/breast'] },
        },
      ],
    });
    expect(valueOf(factEntries(facts, quality()), 'Ignored (another primary cancer)')).toBe(
      'Observation/m1 (M category M1): references Condition/breast, not an STS Condition',
    );
  });
});
