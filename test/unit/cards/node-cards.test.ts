import type { MedicationRequest, ServiceRequest } from 'fhir/r4.js';
import {
  buildPathwayCards,
  SUMMARY_MAX,
  type FactEntry,
  type WordedDecision,
  type WordedNode,
} from '../../../src/cards/index.js';
import { CdsError, internalError, statusOf } from '../../../src/errors.js';
import type { Card } from '../../../src/shared/cds-hooks.js';
import {
  DEFAULT_THRESHOLDS,
  DRUGS,
  NODES,
  SOURCE_LABEL,
  SYSTEMS,
  EVIDENCE,
  scheduleText,
  topicOf,
  ctGovSearchUrl,
} from '../../../src/pathway/index.js';
import { createdResources, responseProblems } from '../../helpers/card-checks.js';

const ctx = { patientRef: 'Patient/p1', now: new Date('2026-11-23T12:00:00Z'), baseUrl: 'https://cds.example.org/' };

const lmsFacts: FactEntry[] = [
  {
    fact: 'Histology',
    value: 'leiomyosarcoma (8890/3)',
    code: { system: SYSTEMS.icdo3, code: '8890/3', display: 'Leiomyosarcoma, NOS' },
    reference: 'Condition/sts1',
    date: '2026-01-10',
  },
  { fact: 'Extent', value: 'metastatic', reference: 'Condition/met1', date: '2026-09-01' },
  { fact: 'ECOG', value: 'not found (looked for: LOINC 89247-1)' },
];

const node = (id: string, over: Partial<WordedNode> = {}): WordedNode => ({
  id,
  role: 'primary',
  withSuggestions: true,
  isRecommended: true,
  indicator: 'info',
  notes: [],
  rules: [],
  ...over,
});

const decision = (nodes: WordedNode[], facts: FactEntry[] = lmsFacts): WordedDecision => ({
  hasSts: true,
  nodes,
  facts,
  stsConditions: ['Condition/sts1', 'Condition/sts2'],
  patient: 'Patient/p1',
});

const build = (nodes: WordedNode[], facts?: FactEntry[]): Card[] => {
  const cards = buildPathwayCards(decision(nodes, facts), ctx);
  expect(responseProblems({ cards })).toEqual([]);
  return cards;
};

const medsOf = (card: Card): MedicationRequest[] =>
  createdResources([card]).filter(
    (r): r is MedicationRequest => (r as { resourceType: string }).resourceType === 'MedicationRequest',
  );
const servicesOf = (card: Card): ServiceRequest[] =>
  createdResources([card]).filter(
    (r): r is ServiceRequest => (r as { resourceType: string }).resourceType === 'ServiceRequest',
  );

describe('patient-view cards', () => {
  test('are empty when the patient has no STS Condition', () => {
    expect(buildPathwayCards({ ...decision([node('M-1L-DOXO')]), hasSts: false }, ctx)).toEqual([]);
  });

  test('give one card per node, with the pathway source, topic and a documentation link', () => {
    const cards = build([
      node('M-LMS-1L-DOXO-TRAB'),
      node('M-1L-DOXO', { role: 'alternative', isRecommended: false, relatedTitle: NODES['M-LMS-1L-DOXO-TRAB'].title }),
      node('M-TRIAL', { role: 'trial', withSuggestions: false, isRecommended: false }),
    ]);
    expect(cards.map((c) => c.source.topic?.code)).toEqual(['M-LMS-1L-DOXO-TRAB', 'M-1L-DOXO', 'M-TRIAL']);
    for (const c of cards) {
      expect(c.source.label).toBe(SOURCE_LABEL);
      expect(c.source.url).toBe(`https://cds.example.org/pathway#${c.source.topic?.code}`);
      expect(c.source.topic).toEqual(topicOf(c.source.topic?.code as 'M-TRIAL'));
    }
    expect(new Set(cards.map((c) => c.uuid)).size).toBe(3);
  });

  test('a regimen is one suggestion creating a draft proposal per drug, grouped by node and suggestion', () => {
    const [card] = build([node('M-LMS-1L-DOXO-TRAB')]);
    expect(card?.summary).toBe(`Pathway recommendation: ${NODES['M-LMS-1L-DOXO-TRAB'].title}`);
    expect(card?.selectionBehavior).toBe('at-most-one');
    expect(card?.suggestions).toHaveLength(1);
    const s = card!.suggestions![0]!;
    // PATHWAY.md §1: isRecommended is omitted, so no client pre-selects a chemotherapy order.
    expect('isRecommended' in s).toBe(false);
    const meds = medsOf(card!);
    expect(meds.map((m) => m.medicationCodeableConcept?.text)).toEqual(['doxorubicin', 'trabectedin']);
    for (const m of meds) {
      expect(m).toMatchObject({
        status: 'draft',
        intent: 'proposal',
        subject: { reference: 'Patient/p1' },
        reasonReference: [{ reference: 'Condition/sts1' }],
      });
      expect(m.groupIdentifier).toEqual({ system: SYSTEMS.pathwayNode, value: `M-LMS-1L-DOXO-TRAB/${s.uuid}` });
      expect(m.dosageInstruction?.[0] ?? {}).not.toHaveProperty('doseAndRate');
    }
    expect(meds[0]?.medicationCodeableConcept?.coding).toEqual([
      { system: SYSTEMS.rxnorm, code: '3639', display: 'doxorubicin' },
    ]);
    expect(meds[0]?.dosageInstruction).toEqual([{ text: scheduleText('M-LMS-1L-DOXO-TRAB', 'doxorubicin') }]);
    // Each drug carries this node's own text: trabectedin 1.1 mg/m2 over 3 hours (LMS-04), not the single-agent dose.
    expect(meds[1]?.dosageInstruction?.[0]?.text).toMatch(/^Trabectedin 1\.1 mg\/m2 IV over 3 hours/);
    expect(meds[1]?.dosageInstruction?.[0]?.text).not.toMatch(/to verify|pegfilgrastim/);
    // Trabectedin has no verified RxNorm code in §6: named only, and the order and the card say so.
    expect(meds[1]?.medicationCodeableConcept).toEqual({ text: 'trabectedin' });
    expect(meds[1]?.note?.[0]?.text).toMatch(/No verified RxNorm ingredient code/);
    expect(card?.detail).toMatch(/trabectedin carries no code/);
  });

  test('supportive drugs listed by the node are ordered with the regimen', () => {
    const [card] = build([node('L-NEOADJ-DOXO-IFOS')]);
    expect(medsOf(card!).map((m) => m.medicationCodeableConcept?.text)).toEqual(['doxorubicin', 'ifosfamide', 'mesna']);
  });

  test('neoadjuvant pembrolizumab + RT is one suggestion with a MedicationRequest and an RT ServiceRequest', () => {
    const [card] = build([node('L-NEOADJ-UPS-PEMBRO-RT')]);
    expect(card?.suggestions).toHaveLength(1);
    expect(medsOf(card!).map((m) => m.medicationCodeableConcept?.coding?.[0]?.code)).toEqual(['1547545']);
    expect(medsOf(card!)[0]?.dosageInstruction?.[0]?.text).toBe(
      scheduleText('L-NEOADJ-UPS-PEMBRO-RT', 'pembrolizumab'),
    );
    expect(servicesOf(card!).map((r) => r.code?.coding?.[0]?.code)).toEqual(['1217123003']);
  });

  test('a procedure creates a draft ServiceRequest with the §7.6 code and the §4.1 text of the site', () => {
    const [card] = build([node('L-SURGERY')], [...lmsFacts, { fact: 'Primary site', value: 'extremity (C49.22)' }]);
    const [sr] = servicesOf(card!);
    expect(sr).toMatchObject({
      status: 'draft',
      intent: 'proposal',
      subject: { reference: 'Patient/p1' },
      reasonReference: [{ reference: 'Condition/sts1' }],
      code: {
        coding: [{ system: SYSTEMS.snomed, code: '387713003' }],
        text: 'Wide excision of soft tissue sarcoma with negative margins, after sarcoma multidisciplinary review',
      },
    });
    expect(card?.detail).toMatch(/unresectable, the advanced-disease options apply/);
  });

  test('a trial referral uses the pathway code and searches ClinicalTrials.gov for the histology', () => {
    const [card] = build([node('M-TRIAL', { role: 'trial', isRecommended: false })]);
    expect(servicesOf(card!)[0]?.code?.coding).toEqual([
      { system: SYSTEMS.pathwayNode, code: 'M-TRIAL', display: 'Clinical trial' },
    ]);
    // §7.2 trial term: never ", NOS".
    expect(card?.links?.[0]).toEqual({
      label: 'ClinicalTrials.gov: leiomyosarcoma',
      url: ctGovSearchUrl('leiomyosarcoma'),
      type: 'absolute',
    });
    expect(card?.detail).toContain('Search: ClinicalTrials.gov, "leiomyosarcoma".');
  });

  test('the trial search falls back to "soft tissue sarcoma" for sarcoma NOS', () => {
    const facts = [{ fact: 'Histology', value: 'sarcoma NOS', code: { system: SYSTEMS.icdo3, code: '8800/3' } }];
    const [card] = build([node('M-TRIAL', { role: 'trial', withSuggestions: false, isRecommended: false })], facts);
    expect(card?.links?.[0]?.url).toBe('https://clinicaltrials.gov/search?cond=soft%20tissue%20sarcoma');
    expect(card?.suggestions).toBeUndefined();
  });

  test('an eribulin order never carries its unverified RxNorm product code', () => {
    const [card] = build([
      node('M-3L-ERIBULIN', { role: 'later-line', isRecommended: false, priorRegimen: 'gemcitabine + docetaxel' }),
    ]);
    const [m] = medsOf(card!);
    expect(DRUGS.eribulin.rxnorm?.toVerify).toBe(true);
    expect(m?.medicationCodeableConcept).toEqual({ text: 'eribulin' });
  });

  test('an alternative begins its detail with "Alternative to <title>"', () => {
    const primary = NODES['M-LMS-1L-DOXO-TRAB'].title;
    const [, alt] = build([
      node('M-LMS-1L-DOXO-TRAB'),
      node('M-1L-DOXO', { role: 'alternative', isRecommended: false, relatedTitle: primary }),
    ]);
    expect(alt?.detail?.startsWith(`Alternative to ${primary}`)).toBe(true);
    expect(alt?.summary).toBe(`Alternative to ${primary}: ${NODES['M-1L-DOXO'].title}`);
    expect(alt?.detail).not.toMatch(/Pathway recommendation/);
  });

  test('a current node is titled "Current: <title>" and a next step names the current regimen, without suggestions', () => {
    const current = NODES['M-1L-DOXO'].title;
    const cards = build([
      node('M-1L-DOXO', { role: 'current', withSuggestions: false, isRecommended: false }),
      node('M-2L-GEM-DOCE', { role: 'next', withSuggestions: false, isRecommended: false, relatedTitle: current }),
    ]);
    expect(cards[0]?.summary).toBe(`Current: ${current}`);
    expect(cards[1]?.summary).toBe(
      `Next step if the disease progresses on ${current}: ${NODES['M-2L-GEM-DOCE'].title}`,
    );
    expect(cards[0]?.detail).toMatch(/^No new order is suggested\./);
    expect(cards.every((c) => c.suggestions === undefined)).toBe(true);
  });

  test('a next step after a long current title is shortened to fit, keeping its own title whole', () => {
    const current = NODES['M-LMS-1L-DOXO-TRAB'].title;
    const [card] = build([
      node('M-2L-GEM-DOCE', { role: 'next', withSuggestions: false, isRecommended: false, relatedTitle: current }),
    ]);
    expect(card!.summary.length).toBeLessThanOrEqual(SUMMARY_MAX);
    expect(card!.summary.startsWith('Next step if the disease progresses on LMS first line')).toBe(true);
    expect(card!.summary.endsWith(`…: ${NODES['M-2L-GEM-DOCE'].title}`)).toBe(true);
  });

  test('a later-line card names the prior regimen by its last date, uses the short name and asks to confirm progression', () => {
    const facts = [
      ...lmsFacts,
      { fact: 'Prior regimen last exposure', value: 'doxorubicin on 2026-03-16', date: '2026-03-16' },
    ];
    const [card] = build(
      [node('M-2L-GEM-DOCE', { role: 'later-line', isRecommended: false, priorRegimen: 'doxorubicin' })],
      facts,
    );
    expect(card?.summary).toBe(
      'If the disease has progressed on, or did not tolerate, doxorubicin (last given 2026-03-16): gemcitabine + docetaxel',
    );
    expect(card?.detail).toMatch(/confirm progression or intolerance before ordering/);
  });

  test('evidence with a verified link becomes a link; the others are cited as text', () => {
    const [card] = build([node('L-NEOADJ-DOXO-IFOS')]);
    expect(card?.links?.map((l) => l.label)).toEqual(['Pathway page for this patient']);
    expect(card?.detail).toContain(EVIDENCE['ISG-STS-1001'].citation);
    const [doxo] = build([node('M-1L-DOXO')]);
    expect(doxo?.links?.slice(0, 2)).toEqual([
      { label: 'Judson, Lancet Oncol, 2014', url: 'https://pubmed.ncbi.nlm.nih.gov/24618336/', type: 'absolute' },
      { label: 'Seddon, Lancet Oncol, 2017', url: 'https://pubmed.ncbi.nlm.nih.gov/28882536/', type: 'absolute' },
    ]);
  });

  test('the detail ends with the facts that decided the card, in words; all facts stay in the facts extension', () => {
    const facts: FactEntry[] = [
      ...lmsFacts,
      { fact: 'Surgery', value: 'not found (looked for: a completed surgical Procedure (SNOMED 387713003))' },
      { fact: 'Age', value: 'not found (looked for: Patient.birthDate)' },
    ];
    const [card] = build([node('M-1L-DOXO', { notes: ['baseline LVEF not found'] })], facts);
    const detail = card!.detail!;
    expect(detail).toContain('- baseline LVEF not found');
    // Surgery does not decide a metastatic regimen; an age not found is on every card (§1); no resource ids, no codes looked for.
    expect(detail.slice(detail.indexOf('**Based on**'))).toBe(
      '**Based on**\n\n' +
        '- Histology: leiomyosarcoma (8890/3), 2026-01-10\n' +
        '- Extent: metastatic, 2026-09-01\n' +
        '- ECOG: not found\n' +
        '- Age: not found',
    );
    expect(card?.extension).toEqual({ [SYSTEMS.factsExtension]: facts });
  });

  test('a card links the pathway page for this patient, the patient id in the fragment only', () => {
    const [card] = build([node('M-1L-DOXO')]);
    expect(card?.links?.at(-1)).toEqual({
      label: 'Pathway page for this patient',
      url: 'https://cds.example.org/#patient=p1',
      type: 'absolute',
    });
  });

  test('patient text in notes and facts cannot inject markdown links or HTML', () => {
    const facts = [{ fact: 'Condition', value: '[click](https://evil.example) <img src=x>' }];
    const [card] = build(
      [
        node('D-MISSING-EXTENT', {
          role: 'data',
          withSuggestions: false,
          indicator: 'warning',
          notes: ['**bold** <b>x</b>'],
        }),
      ],
      facts,
    );
    expect(card?.detail).not.toMatch(/\[click\]\(/);
    expect(card?.detail).not.toMatch(/(?<!\\)<(img|b>)/);
    expect(card?.detail).not.toMatch(/(?<!\\)\*\*bold/);
    expect(card?.indicator).toBe('warning');
  });

  test('the anthracycline contraindication appears once, in the §4.5 words with the configured threshold and no rule id', () => {
    const contra = node('D-ANTHRACYCLINE-CONTRAINDICATED', {
      role: 'data',
      withSuggestions: false,
      indicator: 'warning',
      rules: ['S-DOXO-LVEF'],
    });
    const facts = [...lmsFacts, { fact: 'LVEF', value: '45 %', reference: 'Observation/lvef', date: '2026-11-10' }];
    const free = node('M-2L-GEM-DOCE', {
      role: 'alternative',
      isRecommended: false,
      relatedId: 'D-ANTHRACYCLINE-CONTRAINDICATED',
    });
    const cards = buildPathwayCards(decision([contra, free, contra], facts), {
      ...ctx,
      thresholds: { ...DEFAULT_THRESHOLDS, lvefMinPercent: 46 },
    });
    expect(cards.map((c) => c.source.topic?.code)).toEqual(['D-ANTHRACYCLINE-CONTRAINDICATED', 'M-2L-GEM-DOCE']);
    expect(cards[0]?.detail).toMatch(
      /^Latest LVEF 45 % \(2026-11-10, Observation\/lvef\) is below 46 %, the threshold used by doxorubicin trials/,
    );
    expect(cards[0]?.detail).not.toMatch(/50 %|S-DOXO|§/);
    expect(cards[0]?.detail).toMatch(
      /The anthracycline-free option is shown on its own card: 'Anthracycline-free option: gemcitabine \+ docetaxel'/,
    );
    expect(cards[1]?.summary).toBe('Anthracycline-free option: gemcitabine + docetaxel');
    expect(cards[1]?.detail).toMatch(
      /^Doxorubicin is not recommended for this patient \(see that card\)\. Anthracycline-free option: in GeDDiS/,
    );
    expect(cards[1]?.detail).not.toMatch(/Line of therapy/);
  });

  test("a specialty histology card states that histology's own pathway and links its evidence", () => {
    const facts = [{ fact: 'Histology', value: 'GIST', code: { system: SYSTEMS.icdo3, code: '8936/3' } }];
    const [card] = build([node('X-SPECIALTY', { role: 'data', withSuggestions: false, indicator: 'warning' })], facts);
    expect(card?.detail).toMatch(
      /^The general soft tissue sarcoma pathway does not apply to this histology; no regimen is suggested\. Gastrointestinal stromal tumor: treated with KIT\/PDGFRA inhibitors/,
    );
    expect(card?.detail).not.toMatch(/desmoid|rhabdomyosarcoma/i);
    expect(card?.links?.map((l) => l.url).slice(0, 2)).toEqual([
      EVIDENCE['NCI-2024-GIST-IMATINIB'].url,
      EVIDENCE['NCI-2020-AVAPRITINIB'].url,
    ]);
  });

  test('an uncovered histology is named with its code', () => {
    const facts = [
      { fact: 'Histology', value: 'x', code: { system: SYSTEMS.icdo3, code: '9044/3', display: 'Clear cell sarcoma' } },
    ];
    const [card] = build([node('X-UNCOVERED', { role: 'data', withSuggestions: false, indicator: 'warning' })], facts);
    expect(card?.detail).toContain(
      'Clear cell sarcoma (9044/3) is not covered by this pathway; no regimen is suggested.',
    );
  });

  test('a node without suggestions in the decision gets none', () => {
    const [card] = build([
      node('M-1L-DOXO', { withSuggestions: false, isRecommended: false, notes: ['treatment history unavailable'] }),
    ]);
    expect(card?.suggestions).toBeUndefined();
    expect(card?.selectionBehavior).toBeUndefined();
  });

  test('without a base URL the card has no source url', () => {
    const [card] = buildPathwayCards(decision([node('M-1L-DOXO')]), { patientRef: 'Patient/p1', now: ctx.now });
    expect(card?.source.url).toBeUndefined();
  });

  test('every summary of every node in every role fits the CDS Hooks limit', () => {
    const ids = Object.keys(NODES);
    const long = NODES['M-LMS-1L-DOXO-TRAB'].title;
    for (const role of ['primary', 'alternative', 'current', 'next', 'later-line', 'data'] as const) {
      const cards = build(
        ids.map((id) =>
          node(id, {
            role,
            relatedTitle: long,
            priorRegimen: 'doxorubicin + ifosfamide + mesna, then gemcitabine + docetaxel, then trabectedin',
          }),
        ),
      );
      for (const c of cards) expect(c.summary.length).toBeLessThanOrEqual(SUMMARY_MAX);
    }
  });

  test('a node the pathway does not know is an internal error', () => {
    expect(() => buildPathwayCards(decision([node('M-NOPE')]), ctx)).toThrow(CdsError);
    try {
      buildPathwayCards(decision([node('M-NOPE')]), ctx);
    } catch (e) {
      expect(statusOf((e as CdsError).outcome)).toBe(statusOf(internalError()));
    }
  });
});
