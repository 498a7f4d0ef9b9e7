import type { MedicationRequest, ServiceRequest } from 'fhir/r4.js';
import type { DecidedNode, FactEntry, PathwayDecision } from '../../../src/cql/decision.js';
import { buildPathwayCards, SUMMARY_MAX } from '../../../src/cards/index.js';
import { CdsError, internalError, statusOf } from '../../../src/errors.js';
import type { Card } from '../../../src/hooks/types.js';
import { DRUGS, NODES, SCHEDULE_TEXT, SOURCE_LABEL, SYSTEMS, EVIDENCE, topicOf, ctGovSearchUrl } from '../../../src/pathway/index.js';
import { createdResources, responseProblems } from '../../helpers/card-checks.js';

const ctx = { patientRef: 'Patient/p1', now: new Date('2026-11-23T12:00:00Z'), baseUrl: 'https://cds.example.org/' };

const lmsFacts: FactEntry[] = [
  { fact: 'Histology', value: 'leiomyosarcoma (8890/3)', code: { system: SYSTEMS.icdo3, code: '8890/3', display: 'Leiomyosarcoma, NOS' }, reference: 'Condition/sts1', date: '2026-01-10' },
  { fact: 'Extent', value: 'metastatic', reference: 'Condition/met1', date: '2026-09-01' },
  { fact: 'ECOG', value: 'not found (looked for: LOINC 89247-1)' },
];

const node = (id: string, over: Partial<DecidedNode> = {}): DecidedNode => ({
  id, role: 'primary', withSuggestions: true, isRecommended: true, indicator: 'info', notes: [], rules: [], ...over,
});

const decision = (nodes: DecidedNode[], facts: FactEntry[] = lmsFacts): PathwayDecision => ({
  hasSts: true, nodes, facts, stsConditions: ['Condition/sts1', 'Condition/sts2'], patient: 'Patient/p1',
});

const build = (nodes: DecidedNode[], facts?: FactEntry[]): Card[] => {
  const cards = buildPathwayCards(decision(nodes, facts), ctx);
  expect(responseProblems({ cards })).toEqual([]);
  return cards;
};

const medsOf = (card: Card): MedicationRequest[] =>
  createdResources([card]).filter((r): r is MedicationRequest => (r as { resourceType: string }).resourceType === 'MedicationRequest');
const servicesOf = (card: Card): ServiceRequest[] =>
  createdResources([card]).filter((r): r is ServiceRequest => (r as { resourceType: string }).resourceType === 'ServiceRequest');

describe('patient-view cards', () => {
  test('are empty when the patient has no STS Condition', () => {
    expect(buildPathwayCards({ ...decision([node('M-1L-DOXO')]), hasSts: false }, ctx)).toEqual([]);
  });

  test('give one card per node, with the pathway source, topic and a documentation link', () => {
    const cards = build([node('M-LMS-1L-DOXO-TRAB'), node('M-1L-DOXO', { role: 'alternative', isRecommended: false, relatedTitle: NODES['M-LMS-1L-DOXO-TRAB'].title }), node('M-TRIAL', { role: 'trial', withSuggestions: false, isRecommended: false })]);
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
    expect(card?.summary).toBe(NODES['M-LMS-1L-DOXO-TRAB'].title);
    expect(card?.selectionBehavior).toBe('at-most-one');
    expect(card?.suggestions).toHaveLength(1);
    const s = card!.suggestions![0]!;
    expect(s.isRecommended).toBe(true);
    const meds = medsOf(card!);
    expect(meds.map((m) => m.medicationCodeableConcept?.text)).toEqual(['doxorubicin', 'trabectedin']);
    for (const m of meds) {
      expect(m).toMatchObject({ status: 'draft', intent: 'proposal', subject: { reference: 'Patient/p1' }, reasonReference: [{ reference: 'Condition/sts1' }] });
      expect(m.groupIdentifier).toEqual({ system: SYSTEMS.pathwayNode, value: `M-LMS-1L-DOXO-TRAB/${s.uuid}` });
      expect(m.dosageInstruction?.[0] ?? {}).not.toHaveProperty('doseAndRate');
    }
    expect(meds[0]?.medicationCodeableConcept?.coding).toEqual([{ system: SYSTEMS.rxnorm, code: '3639', display: 'doxorubicin' }]);
    expect(meds[0]?.dosageInstruction).toEqual([{ text: SCHEDULE_TEXT['M-LMS-1L-DOXO-TRAB']?.doxorubicin }]);
    // Trabectedin has no RxNorm code in §6 and no schedule text at this node.
    expect(meds[1]?.medicationCodeableConcept?.coding).toBeUndefined();
    expect(meds[1]?.dosageInstruction).toBeUndefined();
    expect(card?.detail).toContain(SCHEDULE_TEXT['M-LMS-1L-DOXO-TRAB']?.doxorubicin);
  });

  test('supportive drugs listed by the node are ordered with the regimen', () => {
    const [card] = build([node('L-NEOADJ-DOXO-IFOS')]);
    expect(medsOf(card!).map((m) => m.medicationCodeableConcept?.text)).toEqual(['doxorubicin', 'ifosfamide', 'mesna']);
  });

  test('neoadjuvant pembrolizumab + RT is one suggestion with a MedicationRequest and an RT ServiceRequest', () => {
    const [card] = build([node('L-NEOADJ-UPS-PEMBRO-RT')]);
    expect(card?.suggestions).toHaveLength(1);
    expect(medsOf(card!).map((m) => m.medicationCodeableConcept?.coding?.[0]?.code)).toEqual(['1547545']);
    expect(medsOf(card!)[0]?.dosageInstruction?.[0]?.text).toBe(SCHEDULE_TEXT['L-NEOADJ-UPS-PEMBRO-RT']?.pembrolizumab);
    expect(servicesOf(card!).map((r) => r.code?.coding?.[0]?.code)).toEqual(['1217123003']);
  });

  test('a procedure creates a draft ServiceRequest with the §7.6 code', () => {
    const [card] = build([node('L-SURGERY')]);
    const [sr] = servicesOf(card!);
    expect(sr).toMatchObject({
      status: 'draft', intent: 'proposal', subject: { reference: 'Patient/p1' }, reasonReference: [{ reference: 'Condition/sts1' }],
      code: { coding: [{ system: SYSTEMS.snomed, code: '387713003' }], text: 'Wide local excision of soft tissue sarcoma' },
    });
    expect(card?.detail).toMatch(/unresectable, the advanced-disease options apply/);
  });

  test('a trial referral uses the pathway code and searches ClinicalTrials.gov for the histology', () => {
    const [card] = build([node('M-TRIAL', { role: 'trial', isRecommended: false })]);
    expect(servicesOf(card!)[0]?.code?.coding).toEqual([{ system: SYSTEMS.pathwayNode, code: 'M-TRIAL', display: 'Clinical trial' }]);
    expect(card?.links).toEqual([{ label: 'ClinicalTrials.gov: Leiomyosarcoma, NOS', url: ctGovSearchUrl('Leiomyosarcoma, NOS'), type: 'absolute' }]);
    expect(card?.detail).toContain('searches ClinicalTrials.gov for "Leiomyosarcoma, NOS"');
    expect(card?.suggestions?.[0]?.isRecommended).toBe(false);
  });

  test('the trial search falls back to "soft tissue sarcoma" for sarcoma NOS', () => {
    const facts = [{ fact: 'Histology', value: 'sarcoma NOS', code: { system: SYSTEMS.icdo3, code: '8800/3' } }];
    const [card] = build([node('M-TRIAL', { role: 'trial', withSuggestions: false, isRecommended: false })], facts);
    expect(card?.links?.[0]?.url).toBe('https://clinicaltrials.gov/search?cond=soft%20tissue%20sarcoma');
    expect(card?.suggestions).toBeUndefined();
  });

  test('an eribulin order never carries its unverified RxNorm product code', () => {
    const [card] = build([node('M-3L-ERIBULIN', { role: 'later-line', isRecommended: false, priorRegimen: 'gemcitabine + docetaxel' })]);
    const [m] = medsOf(card!);
    expect(DRUGS.eribulin.rxnorm?.toVerify).toBe(true);
    expect(m?.medicationCodeableConcept).toEqual({ text: 'eribulin' });
  });

  test('an alternative begins its detail with "Alternative to <title>"', () => {
    const primary = NODES['M-LMS-1L-DOXO-TRAB'].title;
    const [, alt] = build([node('M-LMS-1L-DOXO-TRAB'), node('M-1L-DOXO', { role: 'alternative', isRecommended: false, relatedTitle: primary })]);
    expect(alt?.detail?.startsWith(`Alternative to ${primary}`)).toBe(true);
    expect(alt?.summary).toBe(NODES['M-1L-DOXO'].title);
    expect(alt?.suggestions?.[0]?.isRecommended).toBe(false);
  });

  test('a current node is titled "Current: <title>" and a next step names the current regimen, without suggestions', () => {
    const current = NODES['M-1L-DOXO'].title;
    const cards = build([
      node('M-1L-DOXO', { role: 'current', withSuggestions: false, isRecommended: false }),
      node('M-2L-GEM-DOCE', { role: 'next', withSuggestions: false, isRecommended: false, relatedTitle: current }),
    ]);
    expect(cards[0]?.summary).toBe(`Current: ${current}`);
    expect(cards[1]?.summary).toBe(`Next step if the disease progresses on ${current}: ${NODES['M-2L-GEM-DOCE'].title}`);
    expect(cards.every((c) => c.suggestions === undefined)).toBe(true);
  });

  test('a next step after a long current title is shortened to fit, keeping its own title whole', () => {
    const current = NODES['M-LMS-1L-DOXO-TRAB'].title;
    const [card] = build([node('M-2L-GEM-DOCE', { role: 'next', withSuggestions: false, isRecommended: false, relatedTitle: current })]);
    expect(card!.summary.length).toBeLessThanOrEqual(SUMMARY_MAX);
    expect(card!.summary.startsWith('Next step if the disease progresses on LMS first line')).toBe(true);
    expect(card!.summary.endsWith(`…: ${NODES['M-2L-GEM-DOCE'].title}`)).toBe(true);
  });

  test('a later-line card names the prior regimen and says progression cannot be read', () => {
    const [card] = build([node('M-2L-GEM-DOCE', { role: 'later-line', isRecommended: false, priorRegimen: 'doxorubicin' })]);
    expect(card?.summary).toBe(`If the disease has progressed on, or did not tolerate, doxorubicin: ${NODES['M-2L-GEM-DOCE'].title}`);
    expect(card?.detail).toMatch(/Progression is not a fact the service can read/);
    expect(card?.suggestions?.[0]?.isRecommended).toBe(false);
  });

  test('evidence with a verified link becomes a link; the others are cited as text', () => {
    const [card] = build([node('L-NEOADJ-DOXO-IFOS')]);
    expect(card?.links).toBeUndefined();
    expect(card?.detail).toContain(EVIDENCE['ISG-STS-1001'].citation);
    const [doxo] = build([node('M-1L-DOXO')]);
    expect(doxo?.links).toEqual([
      { label: 'Judson, Lancet Oncol, 2014', url: 'https://pubmed.ncbi.nlm.nih.gov/24618336/', type: 'absolute' },
      { label: 'Seddon, Lancet Oncol, 2017', url: 'https://pubmed.ncbi.nlm.nih.gov/28882536/', type: 'absolute' },
    ]);
  });

  test('the detail ends with the facts, which are also in the facts extension', () => {
    const [card] = build([node('M-1L-DOXO', { notes: ['baseline LVEF not found'] })]);
    const detail = card!.detail!;
    expect(detail).toContain('- baseline LVEF not found');
    expect(detail.slice(detail.indexOf('**Based on**'))).toBe(
      '**Based on**\n\n' +
        '- Histology: leiomyosarcoma (8890/3) (2026-01-10, `Condition/sts1`)\n' +
        '- Extent: metastatic (2026-09-01, `Condition/met1`)\n' +
        '- ECOG: not found (looked for: LOINC 89247-1)',
    );
    expect(card?.extension).toEqual({ [SYSTEMS.factsExtension]: lmsFacts });
  });

  test('patient text in notes and facts cannot inject markdown links or HTML', () => {
    const facts = [{ fact: 'Condition', value: '[click](https://evil.example) <img src=x>' }];
    const [card] = build([node('D-MISSING-EXTENT', { role: 'data', withSuggestions: false, indicator: 'warning', notes: ['**bold** <b>x</b>'] })], facts);
    expect(card?.detail).not.toMatch(/\[click\]\(/);
    expect(card?.detail).not.toMatch(/(?<!\\)<(img|b>)/);
    expect(card?.detail).not.toMatch(/(?<!\\)\*\*bold/);
    expect(card?.indicator).toBe('warning');
  });

  test('the anthracycline contraindication appears once, naming its rule', () => {
    const contra = node('D-ANTHRACYCLINE-CONTRAINDICATED', { role: 'data', withSuggestions: false, indicator: 'warning', rules: ['S-DOXO-LVEF'] });
    const cards = build([contra, node('M-2L-GEM-DOCE', { role: 'alternative', isRecommended: false }), contra]);
    expect(cards.map((c) => c.source.topic?.code)).toEqual(['D-ANTHRACYCLINE-CONTRAINDICATED', 'M-2L-GEM-DOCE']);
    expect(cards[0]?.detail).toMatch(/Anthracycline with low LVEF/);
    expect(cards[0]?.detail).toMatch(/Cardio-oncology assessment before any anthracycline/);
  });

  test('a specialty histology card states that histology\'s own pathway and links its evidence', () => {
    const facts = [{ fact: 'Histology', value: 'GIST', code: { system: SYSTEMS.icdo3, code: '8936/3' } }];
    const [card] = build([node('X-SPECIALTY', { role: 'data', withSuggestions: false, indicator: 'warning' })], facts);
    expect(card?.detail).toMatch(/GIST: treated with KIT\/PDGFRA inhibitors/);
    expect(card?.detail).not.toMatch(/desmoid/);
    expect(card?.links?.map((l) => l.url)).toEqual([EVIDENCE['NCI-2024-GIST-IMATINIB'].url, EVIDENCE['NCI-2020-AVAPRITINIB'].url]);
  });

  test('an uncovered histology is named with its code', () => {
    const facts = [{ fact: 'Histology', value: 'x', code: { system: SYSTEMS.icdo3, code: '9044/3', display: 'Clear cell sarcoma' } }];
    const [card] = build([node('X-UNCOVERED', { role: 'data', withSuggestions: false, indicator: 'warning' })], facts);
    expect(card?.detail).toContain('Clear cell sarcoma (9044/3) is not covered by this pathway; no regimen is suggested.');
  });

  test('a node without suggestions in the decision gets none', () => {
    const [card] = build([node('M-1L-DOXO', { withSuggestions: false, isRecommended: false, notes: ['treatment history unavailable'] })]);
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
      const cards = build(ids.map((id) => node(id, { role, relatedTitle: long, priorRegimen: 'doxorubicin + ifosfamide + mesna, then gemcitabine + docetaxel, then trabectedin' })));
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
