import { createHmac, randomBytes } from 'node:crypto';
import { classifyOrderCard } from '../../../src/adherence/classify.js';
import { pseudonymizer } from '../../../src/adherence/pseudonym.js';
import { reportCsv } from '../../../src/adherence/report-csv.js';
import type { AdherenceReport } from '../../../src/adherence/report.js';
import { RULES, RULE_IDS } from '../../../src/pathway/index.js';

describe('classification of an order card (PATHWAY.md §5)', () => {
  test('a blocking rule makes its drafts unsafe; an advisory rule classifies nothing', () => {
    for (const id of RULE_IDS) {
      expect(classifyOrderCard('rule', id)).toBe(RULES[id].kind === 'blocking' ? 'unsafe' : undefined);
    }
    expect(RULE_IDS.some((id) => RULES[id].kind === 'advisory')).toBe(true);
  });

  test('the card kinds of §5 steps 2 and 4-7', () => {
    expect(classifyOrderCard('on-pathway', 'M-1L-DOXO')).toBe('on-pathway');
    expect(classifyOrderCard('next-step-early', 'M-2L-GEM-DOCE')).toBe('on-pathway');
    expect(classifyOrderCard('later-line-early', 'M-3L-ERIBULIN')).toBe('later-line-early');
    expect(classifyOrderCard('off-pathway', 'OFF-PATHWAY')).toBe('off-pathway');
    expect(classifyOrderCard('position-unknown', 'POSITION-UNKNOWN')).toBe('position-unknown');
  });
});

describe('pseudonyms', () => {
  const p = pseudonymizer(randomBytes(32));

  test('one patient at one FHIR server is one pseudonym, never the id', () => {
    const a = p('https://ehr.example.org/fhir', 'patient-42');
    expect(a).toBe(p('https://ehr.example.org/fhir', 'patient-42'));
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(a).not.toBe(p('https://other.example.org/fhir', 'patient-42'));
    expect(a).not.toBe(p('https://ehr.example.org/fhir', 'patient-43'));
  });

  test('is HMAC-SHA256 of the server and id, the same after thousands of other patients (remembered or not)', () => {
    const key = randomBytes(32);
    const q = pseudonymizer(key);
    const expected = (server: string, id: string): string =>
      createHmac('sha256', key).update(`${server}\u0000${id}`).digest('hex').slice(0, 32);
    const first = q('https://ehr.example.org/fhir', 'patient-1');
    expect(first).toBe(expected('https://ehr.example.org/fhir', 'patient-1'));
    for (let i = 2; i <= 20_000; i++) q('https://ehr.example.org/fhir', `patient-${i}`);
    expect(q('https://ehr.example.org/fhir', 'patient-1')).toBe(first);
    expect(q('https://ehr.example.org/fhir', 'patient-19999')).toBe(
      expected('https://ehr.example.org/fhir', 'patient-19999'),
    );
  });

  test('another key gives other pseudonyms; no id gives none', () => {
    expect(pseudonymizer(randomBytes(32))('s', 'x')).not.toBe(p('s', 'x'));
    expect(p('s', undefined)).toBeUndefined();
    expect(p('s', '')).toBeUndefined();
  });
});

describe('report CSV', () => {
  const report: AdherenceReport = {
    period: { from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' },
    service: null,
    topic: null,
    totals: { responses: 1, patients: 1, cards: 1, feedback: 1, unmatchedFeedback: 0 },
    weekly: [],
    overridesByReason: [{ code: 'other', display: '=HYPERLINK("x"), "quoted"', count: 1 }],
    overridesByTopic: [],
    acceptance: [],
    offPathwayDrugs: [],
    safetyRules: [],
  };

  test('quotes commas and quotes, and defuses spreadsheet formulas', () => {
    const lines = reportCsv(report).split('\r\n');
    expect(lines[0]).toBe('section,key,label,count,total,rate');
    expect(lines).toContain(`overrides-by-reason,other,"'=HYPERLINK(""x""), ""quoted""",1,,`);
  });
});
