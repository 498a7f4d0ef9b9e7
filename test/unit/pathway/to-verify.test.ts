/**
 * PATHWAY.md "Verification": nothing marked "(to verify)" is emitted or shown. The marked clauses and codes are read
 * from docs/PATHWAY.md (test/helpers/to-verify.ts); the reviewed card fixtures and the pathway page are checked here,
 * every response of the test suite by the jest setup (test/helpers/response-guard.ts), and both checks are shown to
 * fail on a response that breaks the rule.
 */
import { describe, expect, test } from '@jest/globals';
import express from 'express';
import { readdirSync, readFileSync } from 'node:fs';
import request from 'supertest';
import { renderPathwayDoc } from '../../../src/page/pathway-doc.js';
import { ALL_CODE_DEFS, RXNORM_CODES, toVerifyCodes } from '../../../src/pathway/index.js';
import { markedClauses, markedCodes, toVerifyProblems } from '../../helpers/to-verify.js';
import { takeGuardProblems } from '../../helpers/response-guard.js';

const root = new URL('../../../', import.meta.url);

/** The texts the suite's reviewed responses show or emit: every card fixture and the pathway page. */
function responses(): { name: string; text: string }[] {
  const dir = new URL('cards/patient-view/', root);
  const fixtures = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({ name: f, text: readFileSync(new URL(f, dir), 'utf8') }));
  return [...fixtures, { name: 'GET /pathway', text: renderPathwayDoc() }];
}

describe('"(to verify)" items are never emitted or shown', () => {
  const marked = markedClauses();
  const all = responses();

  test("the spec's marked clauses, read from docs/PATHWAY.md", () => {
    expect(marked).toEqual(
      expect.arrayContaining([
        'LVEF every 2-3 months',
        'nodal disease is staged IIIB',
        'liposomal doxorubicin is a systemic option',
        'Eribulin label: lower dose in hepatic impairment',
        'G-CSF support as in LMS-02 (pegfilgrastim on day 2)',
        'Take without food',
        'lower doses in hepatic or renal impairment per the label',
        expect.stringMatching(/^Doxorubicin 75 mg\/m2 per cycle .* with G-CSF support$/),
        expect.stringMatching(/^Ifosfamide 3 g\/m2\/day on days 1-3 .* every 3 weeks for 3 cycles$/),
      ]),
    );
    expect(marked.length).toBeGreaterThan(8);
  });

  test("the spec's marked codes, read from §6 and §7, are never emittable by src/pathway", () => {
    const codes = markedCodes().map((c) => `${c.system}|${c.code}${c.prefix === true ? '*' : ''}`);
    expect(codes.sort()).toEqual([
      'http://hl7.org/fhir/sid/icd-10-cm|C77*',
      'http://loinc.org|18043-0',
      'http://loinc.org|8806-2',
      'http://loinc.org|8808-8',
      'http://loinc.org|8810-4',
      'http://loinc.org|8811-2',
      'http://terminology.hl7.org/CodeSystem/icd-o-3|8802/3',
      'http://terminology.hl7.org/CodeSystem/icd-o-3|9260/3',
      'http://www.nlm.nih.gov/research/umls/rxnorm|1045456',
      'http://www.nlm.nih.gov/research/umls/rxnorm|44',
    ]);
    // Each is marked toVerify in src/pathway (matched on input only, never emitted).
    const flagged = new Set(toVerifyCodes().map((c) => `${c.system}|${c.code}`));
    const unflagged = new Set(
      [...ALL_CODE_DEFS, ...RXNORM_CODES].filter((c) => c.toVerify !== true).map((c) => `${c.system}|${c.code}`),
    );
    for (const c of markedCodes()) {
      const key = `${c.system}|${c.code}`;
      expect([key, unflagged.has(key)]).toEqual([key, false]);
      expect([key, flagged.has(key)]).toEqual([key, true]);
    }
  });

  test('no reviewed response shows a marked clause or the words "to verify", or emits a marked code', () => {
    for (const r of all) {
      const body: unknown = r.name.endsWith('.json') ? JSON.parse(r.text) : { cards: [{ detail: r.text }] };
      expect([r.name, toVerifyProblems(body)]).toEqual([r.name, []]);
    }
  });
});

describe('the check fails on a response that breaks the rule', () => {
  const bad = {
    cards: [
      {
        summary: 'Later line: eribulin',
        indicator: 'info',
        source: { label: 'x' },
        detail: 'Blood counts before each dose. Dose reduction in hepatic and **renal** impairment.',
        suggestions: [
          {
            label: 'Draft orders',
            actions: [
              {
                type: 'create',
                description: 'x',
                resource: {
                  resourceType: 'MedicationRequest',
                  status: 'draft',
                  intent: 'proposal',
                  subject: { reference: 'Patient/p' },
                  medicationCodeableConcept: {
                    coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '1045456' }],
                    text: 'eribulin',
                  },
                  dosageInstruction: [{ text: 'Pazopanib 800 mg orally once daily. Take without food.' }],
                },
              },
            ],
          },
        ],
        extension: {
          facts: [
            {
              fact: 'Metastasis',
              code: { system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'C77.2' },
              value: 'AJCC 8th edition (to verify)',
            },
          ],
        },
      },
    ],
  };

  test('names each marked clause, code and "to verify" it finds', () => {
    const problems = toVerifyProblems(bad);
    expect(problems).toEqual(
      expect.arrayContaining([
        'shows a clause marked (to verify): "dose reduction in hepatic and renal impairment"',
        'shows a clause marked (to verify): "take without food"',
        'shows a clause marked (to verify): "ajcc 8th edition"',
        'emits a code marked (to verify): http://www.nlm.nih.gov/research/umls/rxnorm|1045456',
        'emits a code marked (to verify): http://hl7.org/fhir/sid/icd-10-cm|C77.2',
        expect.stringMatching(/^shows "to verify": AJCC 8th edition/),
      ]),
    );
    expect(toVerifyProblems({ services: [{ hook: 'patient-view', description: 'ok' }] })).toEqual([]);
  });

  test('the suite-wide guard records such a response sent by any app of the test file', async () => {
    const app = express();
    app.post('/cds-services/x', (_req, res) => void res.json(bad));
    app.get(
      '/cds-services',
      (_req, res) => void res.json({ services: [{ description: 'liposomal doxorubicin is a systemic option' }] }),
    );
    await request(app).post('/cds-services/x').expect(200);
    await request(app).get('/cds-services').expect(200);
    // Taken here, so this test's own afterEach (test/helpers/jest-setup.ts) does not fail it.
    const recorded = takeGuardProblems();
    expect(recorded).toEqual(
      expect.arrayContaining([
        'POST /cds-services/x: shows a clause marked (to verify): "take without food"',
        'GET /cds-services: shows a clause marked (to verify): "liposomal doxorubicin is a systemic option"',
      ]),
    );
  });
});
