import { wordOrderDecision, wordPathwayDecision } from '../../../src/cards/index.js';
import type { DecidedNode, OrderDecision, PathwayDecision } from '../../../src/cql/decision.js';
import { toPatientFacts } from '../../../src/cql/patient-facts.js';
import { DEFAULT_THRESHOLDS, NODES, NOTE_CODES, NOTE_WORDS } from '../../../src/pathway/index.js';

const quality = { unreadable: new Map(), incomplete: new Map(), notices: { warnings: [], leftOut: [] } };

const facts = toPatientFacts({
  'Fact ECOG': { value: 2, recent: true, date: '2026-05-01', source: 'Observation/e1' },
  'Fact LVEF': { value: 40, date: '2026-05-02', source: 'Observation/l1', unusable: 'stale' },
  'Fact Cumulative': { known: false, mgM2: 337.5, events: [] },
});

const node = (notes: string[]): DecidedNode => ({
  id: 'M-1L-DOXO',
  role: 'primary',
  withSuggestions: true,
  isRecommended: true,
  indicator: 'warning',
  notes,
  rules: [],
  variants: [],
});

const decision = (notes: string[]): PathwayDecision => ({
  hasSts: true,
  nodes: [node(notes)],
  facts,
  quality,
  stsConditions: ['Condition/c1'],
  patient: 'Patient/p1',
});

describe('the decision in words', () => {
  test('every note code has words', () => {
    for (const code of NOTE_CODES) expect(NOTE_WORDS[code].length).toBeGreaterThan(0);
  });

  test("a node's note codes are worded with the values of the facts and §9", () => {
    const [n] = wordPathwayDecision(
      decision(['ecogCombo', 'lvefUnusable', 'cumulativeIncomplete', 'cumulativeWarn', 'historyUnavailable']),
      DEFAULT_THRESHOLDS,
    ).nodes;
    expect(n?.notes).toEqual([
      'performance status ECOG 2: the trials of this combination enrolled ECOG 0-1',
      'no usable LVEF (not recent): assess LVEF (echocardiography or MUGA) before the next anthracycline dose',
      'cumulative anthracycline dose incomplete: verify before ordering (at least 337.5 mg/m2 doxorubicin)',
      `cumulative doxorubicin 337.5 mg/m2: at or above the warning threshold of ${DEFAULT_THRESHOLDS.cumulativeDoxoWarnMgM2} mg/m2`,
      'treatment history unavailable',
    ]);
  });

  test("an order card's part-of note names the node; a drug key stays as the library gave it", () => {
    const order: OrderDecision = {
      hasSts: true,
      cards: [
        {
          kind: 'on-pathway',
          topic: 'M-LMS-1L-DOXO-TRAB',
          indicator: 'info',
          draftIds: ['d1'],
          alternatives: [],
          notes: ['partOf'],
        },
        {
          kind: 'histology-specific',
          topic: 'HISTOLOGY-SPECIFIC-OPTION',
          indicator: 'info',
          draftIds: ['d2'],
          alternatives: [],
          notes: ['imatinib'],
        },
      ],
      facts,
      quality,
      stsConditions: [],
      patient: 'Patient/p1',
      ruleValues: { reason: 'none', lvef: 40 },
    };
    const worded = wordOrderDecision(order, DEFAULT_THRESHOLDS);
    expect(worded.cards.map((c) => c.notes)).toEqual([[`part of ${NODES['M-LMS-1L-DOXO-TRAB'].title}`], ['imatinib']]);
    expect(worded.values).toMatchObject({ reason: 'none found', lvef: '40' });
  });
});
