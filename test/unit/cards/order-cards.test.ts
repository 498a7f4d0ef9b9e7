import { DEFAULT_THRESHOLDS } from '../../../src/pathway/thresholds.js';
import type { MedicationRequest } from 'fhir/r4.js';
import {
  buildOrderCards,
  overrideCodings,
  type DraftInfo,
  type FactEntry,
  type WordedOrderCard,
  type WordedOrderDecision,
} from '../../../src/cards/index.js';
import type { Card } from '../../../src/shared/cds-hooks.js';
import { NODES, OVERRIDE_REASONS, RULES, SYSTEMS, topicOf } from '../../../src/pathway/index.js';
import { createdResources, responseProblems } from '../../helpers/card-checks.js';

const drafts: DraftInfo[] = [
  { id: 'd-pazo', drug: 'pazopanib', liposomal: false },
  { id: 'd-doxo', drug: 'doxorubicin', liposomal: true },
];
const ctx = {
  patientRef: 'Patient/p1',
  now: new Date('2026-11-23T12:00:00Z'),
  baseUrl: 'https://cds.example.org',
  drafts,
};
const facts: FactEntry[] = [
  {
    fact: 'Histology',
    value: 'liposarcoma (8850/3)',
    code: { system: SYSTEMS.icdo3, code: '8850/3' },
    reference: 'Condition/sts1',
    date: '2026-01-10',
  },
];

const orderCard = (over: Partial<WordedOrderCard> & Pick<WordedOrderCard, 'kind' | 'topic'>): WordedOrderCard => ({
  indicator: 'info',
  draftIds: ['d-pazo'],
  alternatives: [],
  notes: [],
  facts: [],
  ...over,
});

const build = (cards: WordedOrderCard[]): Card[] => {
  const decision: WordedOrderDecision = {
    hasSts: true,
    cards,
    facts,
    stsConditions: ['Condition/sts1'],
    patient: 'Patient/p1',
  };
  const out = buildOrderCards(decision, ctx);
  expect(responseProblems({ cards: out })).toEqual([]);
  return out;
};

describe('order-time cards', () => {
  test('are empty without an STS Condition', () => {
    expect(
      buildOrderCards(
        {
          hasSts: false,
          cards: [orderCard({ kind: 'on-pathway', topic: 'M-1L-DOXO' })],
          facts,
          stsConditions: [],
          patient: 'Patient/p1',
        },
        ctx,
      ),
    ).toEqual([]);
  });

  test('an on-pathway drug gets an info card naming its node, with no override reasons', () => {
    const [card] = build([
      orderCard({
        kind: 'on-pathway',
        topic: 'M-2L-GEM-DOCE',
        notes: ['part of Second line: gemcitabine + docetaxel'],
      }),
    ]);
    expect(card?.summary).toBe(`On the STS pathway: ${NODES['M-2L-GEM-DOCE'].title}`);
    expect(card?.indicator).toBe('info');
    expect(card?.source.topic).toEqual(topicOf('M-2L-GEM-DOCE'));
    expect(card?.overrideReasons).toBeUndefined();
    expect(card?.suggestions).toBeUndefined();
    expect(card?.detail).toContain('- part of Second line: gemcitabine + docetaxel');
  });

  test('warns with alternatives when the drug is off pathway', () => {
    const [card] = build([
      orderCard({
        kind: 'off-pathway',
        topic: 'OFF-PATHWAY',
        indicator: 'warning',
        draftIds: ['d-doxo'],
        position: 'M-1L-DOXO',
        alternatives: ['M-1L-DOXO', 'M-TRIAL'],
      }),
    ]);
    expect(card?.summary).toBe('Order is off the STS pathway: doxorubicin (liposomal)');
    expect(card?.indicator).toBe('warning');
    expect(card?.detail).toContain(`Pathway position: ${NODES['M-1L-DOXO'].title}.`);
    // §5: cardio-oncology-cleared is offered only on the cardiac rules' cards.
    expect(card?.overrideReasons).toEqual(
      OVERRIDE_REASONS.filter((r) => r.code !== 'cardio-oncology-cleared').map((r) => ({
        system: r.system,
        code: r.code,
        display: r.display,
      })),
    );
    expect(card?.selectionBehavior).toBe('at-most-one');
    expect(card?.suggestions?.map((s) => s.label)).toEqual([
      `Replace with ${NODES['M-1L-DOXO'].title}`,
      `Replace with ${NODES['M-TRIAL'].title}`,
    ]);
    const [first] = card!.suggestions!;
    expect(first).not.toHaveProperty('isRecommended');
    // The create comes first (a client applying only the first action must not just delete), then one delete per draft.
    expect(first?.actions?.at(-1)).toMatchObject({ type: 'delete', resourceId: 'MedicationRequest/d-doxo' });
    const created = first?.actions?.[0]?.resource as MedicationRequest;
    expect(created).toMatchObject({
      resourceType: 'MedicationRequest',
      status: 'draft',
      intent: 'proposal',
      medicationCodeableConcept: { text: 'doxorubicin' },
    });
    expect(created.groupIdentifier?.value).toBe(`M-1L-DOXO/${first?.uuid}`);
  });

  test('a position without regimens gets an info card naming the position', () => {
    const [card] = build([
      orderCard({ kind: 'position-unknown', topic: 'POSITION-UNKNOWN', position: 'D-MISSING-HISTOLOGY' }),
    ]);
    expect(card?.summary).toBe(
      `Pathway position: ${NODES['D-MISSING-HISTOLOGY'].title}; no on-pathway regimen to compare`,
    );
    expect(card?.overrideReasons).toBeUndefined();
  });

  test('a blocking rule card is titled by the rule, lists its triggering facts and offers the on-pathway options', () => {
    const trigger: FactEntry[] = [
      { fact: 'Histology', value: 'liposarcoma (8850/3)', reference: 'Condition/sts1', date: '2026-01-10' },
    ];
    const [card] = build([
      orderCard({
        kind: 'rule',
        topic: 'S-PAZO-ADIPOCYTIC',
        indicator: 'critical',
        facts: trigger,
        alternatives: ['M-3L-TRABECTEDIN', 'M-3L-ERIBULIN'],
      }),
    ]);
    expect(card?.summary).toBe(
      'Pazopanib not recommended for liposarcoma: adipocytic sarcoma was excluded from PALETTE',
    );
    expect(card?.source.topic).toEqual({
      system: SYSTEMS.pathwayNode,
      code: 'S-PAZO-ADIPOCYTIC',
      display: RULES['S-PAZO-ADIPOCYTIC'].title,
    });
    expect(card?.source.url).toBe('https://cds.example.org/pathway#S-PAZO-ADIPOCYTIC');
    expect(card?.indicator).toBe('critical');
    expect(card?.detail).toContain('- Histology: liposarcoma (8850/3) (2026-01-10, `Condition/sts1`)');
    expect(card?.links).toEqual([
      { label: 'van der Graaf, Lancet, 2012', url: 'https://doi.org/10.1016/S0140-6736(12)60651-5', type: 'absolute' },
    ]);
    expect(card?.overrideReasons).toEqual(overrideCodings('S-PAZO-ADIPOCYTIC'));
    expect(card?.overrideReasons?.map((r) => r.code)).not.toContain('cardio-oncology-cleared');
    expect(card?.suggestions).toHaveLength(2);
    for (const s of card!.suggestions!) {
      expect(s.actions?.filter((a) => a.type === 'delete')).toEqual([
        expect.objectContaining({ resourceId: 'MedicationRequest/d-pazo' }),
      ]);
      expect(s.actions?.[0]?.type).toBe('create');
    }
    expect(card?.extension).toEqual({ [SYSTEMS.factsExtension]: trigger });
  });

  test('a rule summary fills its placeholders from the facts and the thresholds; its topic display is the rule title', () => {
    const cards = buildOrderCards(
      {
        hasSts: true,
        facts,
        stsConditions: ['Condition/sts1'],
        patient: 'Patient/p1',
        cards: [orderCard({ kind: 'rule', topic: 'S-DOXO-LVEF', indicator: 'critical', draftIds: ['d-doxo'] })],
        values: { lvef: '42', lvefDate: '2026-11-01' },
      },
      { ...ctx, thresholds: { ...DEFAULT_THRESHOLDS, lvefMinPercent: 46 } },
    );
    expect(cards[0]?.summary).toBe('Doxorubicin (liposomal) not recommended: LVEF 42 % (2026-11-01) is below 46 %');
    expect(cards[0]?.source.topic?.display).toBe('Anthracycline with low LVEF');
    expect(cards[0]?.overrideReasons?.map((r) => r.code)).toContain('cardio-oncology-cleared');
  });

  test('an advisory warning carries override reasons but no replacements; an info rule carries neither', () => {
    const [warn, info] = build([
      orderCard({
        kind: 'rule',
        topic: 'S-DOXO-CUMULATIVE-WARN',
        indicator: 'warning',
        draftIds: ['d-doxo'],
        alternatives: ['M-2L-GEM-DOCE'],
      }),
      orderCard({ kind: 'rule', topic: 'S-REPEAT', indicator: 'info' }),
    ]);
    expect(warn?.overrideReasons).toEqual(overrideCodings('S-DOXO-CUMULATIVE-WARN'));
    expect(warn?.suggestions).toBeUndefined();
    expect(info?.overrideReasons).toBeUndefined();
  });

  test('a next step ordered early asks to confirm progression', () => {
    const [card] = build([orderCard({ kind: 'next-step-early', topic: 'M-2L-GEM-DOCE', position: 'M-1L-DOXO' })]);
    expect(card?.summary).toBe(
      `Next step ordered while ${NODES['M-1L-DOXO'].title} is ongoing: confirm progression or intolerance`,
    );
    expect(card?.source.topic?.code).toBe('M-2L-GEM-DOCE');
  });

  test('a later-line drug ordered early says gemcitabine + docetaxel comes first', () => {
    const note =
      'the pathway order is gemcitabine + docetaxel first (these are label indications after an anthracycline)';
    const [card] = build([
      orderCard({ kind: 'later-line-early', topic: 'M-3L-PAZOPANIB', notes: [note, 'ECOG 1 recorded 2026-11-05'] }),
    ]);
    expect(card?.summary).toBe(`Ordered before gemcitabine + docetaxel: ${NODES['M-3L-PAZOPANIB'].title}`);
    expect(card?.detail).toMatch(/label indications after an anthracycline/);
    // The decision's note says the same as the card's own sentence: shown once; other notes stay.
    expect(card?.detail?.match(/gemcitabine \+ docetaxel first/gi)).toHaveLength(1);
    expect(card?.detail).toContain('- ECOG 1 recorded 2026-11-05');
  });

  test('replacement orders are valid FHIR and carry only verified codes', () => {
    const cards = build([
      orderCard({
        kind: 'off-pathway',
        topic: 'OFF-PATHWAY',
        indicator: 'warning',
        alternatives: ['M-3L-ERIBULIN', 'M-3L-TRABECTEDIN', 'L-NEOADJ-UPS-PEMBRO-RT'],
      }),
    ]);
    expect(createdResources(cards)).toHaveLength(4);
  });

  test('a histology rule names the histology as recorded, with its code', () => {
    const [card] = buildOrderCards(
      {
        hasSts: true,
        facts,
        stsConditions: ['Condition/sts1'],
        patient: 'Patient/p1',
        cards: [orderCard({ kind: 'rule', topic: 'S-ERIBULIN-NON-LPS', indicator: 'warning' })],
        values: { histology: '9040/3', histologyName: 'Synovial sarcoma, NOS' },
      },
      ctx,
    );
    expect(card?.summary).toBe(
      'Eribulin for Synovial sarcoma, NOS (9040/3): the survival benefit was confined to liposarcoma',
    );
  });

  test('S-BILIRUBIN-HIGH cites only the label of the drafted drug (none for eribulin)', () => {
    const ctxBili = { ...ctx, drafts: [...drafts, { id: 'd-eri', drug: 'eribulin' as const, liposomal: false }] };
    const decision = (draftIds: string[]): WordedOrderDecision => ({
      hasSts: true,
      facts,
      stsConditions: ['Condition/sts1'],
      patient: 'Patient/p1',
      cards: [orderCard({ kind: 'rule', topic: 'S-BILIRUBIN-HIGH', indicator: 'warning', draftIds })],
      values: { bilirubin: '2.1', bilirubinUnit: 'mg/dL', bilirubinDate: '2026-11-16' },
    });
    const [pazo] = buildOrderCards(decision(['d-pazo']), ctxBili);
    expect(pazo?.detail).toContain('References: US pazopanib label.');
    const [eri] = buildOrderCards(decision(['d-eri']), ctxBili);
    expect(eri?.detail).not.toContain('References');
  });

  test("a histology-specific option names the patient's pathway position", () => {
    const [card] = buildOrderCards(
      {
        hasSts: true,
        facts,
        stsConditions: ['Condition/sts1'],
        patient: 'Patient/p1',
        cards: [
          orderCard({
            kind: 'histology-specific',
            topic: 'HISTOLOGY-SPECIFIC-OPTION',
            position: 'M-1L-DOXO',
            notes: ['pembrolizumab'],
          }),
        ],
      },
      ctx,
    );
    expect(card?.detail).toContain(`Pathway position: ${NODES['M-1L-DOXO'].title}.`);
  });
});
