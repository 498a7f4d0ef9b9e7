/**
 * Test patients for the node and safety-rule suites (PATHWAY.md §3-§5), evaluated through the compiled ELM and the
 * engine the service uses, and read in the words the cards get (src/cards/decision-words.ts). Every patient-view
 * decision made here is also checked against what PATHWAY.md forbids for that patient (`expectNothingForbidden`), so
 * each node test doubles as a guard on every other node.
 */
import type { Condition, FhirResource, Procedure } from 'fhir/r4.js';
import { DEFAULT_THRESHOLDS } from '../../../src/config.js';
import { wordOrderDecision, wordPathwayDecision } from '../../../src/cards/index.js';
import type { WordedDecision, WordedOrderDecision } from '../../../src/cards/index.js';
import { createCqlEngine } from '../../../src/cql/engine.js';
import { evaluateOrders } from '../../../src/cql/orders.js';
import { evaluatePathway } from '../../../src/cql/pathway.js';
import {
  HISTOLOGY_CODES,
  MCODE_EXTENSION,
  NODES,
  OBSERVATION_CODES,
  SYSTEMS,
  type NodeId,
} from '../../../src/pathway/index.js';
import {
  bundleOf,
  medicationAdministration,
  observation,
  patient,
  secondaryCondition,
  stsCondition,
} from '../../fixtures/builders.js';

/** The service clock of every test patient. */
export const NOW = new Date('2026-06-01T12:00:00Z');

/** The date `days` before NOW ("YYYY-MM-DD"). */
export const ago = (days: number): string => new Date(NOW.getTime() - days * 86_400_000).toISOString().slice(0, 10);

const engine = createCqlEngine({ timeZone: 'UTC' });

/** Resource types that could not be read, with why (PatientData.unreadable). */
export type Unreadable = ReadonlyMap<string, string>;

/** A patient's resources and how the request saw them. */
export interface TestPatient {
  readonly resources: readonly FhirResource[];
  /** Patient.birthDate; default 1960-01-01, `null` for none. */
  readonly birthDate?: string | null;
  readonly unreadable?: Unreadable;
  /** Types read only in part (PatientData.incomplete). */
  readonly incomplete?: Unreadable;
}

const unreadableOf = (...types: string[]): Unreadable =>
  new Map(types.map((t) => [t, 'HTTP 500 from the FHIR server']));
export { unreadableOf as unreadable };

function dataOf(p: TestPatient) {
  return {
    bundle: bundleOf(
      [p.birthDate === null ? patient() : patient({ birthDate: p.birthDate ?? '1960-01-01' }), ...p.resources],
      'collection',
    ),
    unreadable: p.unreadable ?? new Map<string, string>(),
    incomplete: p.incomplete ?? new Map<string, string>(),
  };
}

/** Histology class of a decision, read from its Histology fact's ICD-O-3 code (undefined when none). */
export function histologyClassOf(d: WordedDecision): string | undefined {
  const code = d.facts.find((f) => f.fact === 'Histology')?.code?.code;
  return Object.entries(HISTOLOGY_CODES).find(([, codes]) => codes.some((c) => c.code === code))?.[0];
}

const DOXORUBICIN_NODES: readonly NodeId[] = ['L-NEOADJ-DOXO-IFOS', 'M-LMS-1L-DOXO-TRAB', 'M-1L-DOXO'];

/** Node ids PATHWAY.md never allows for a patient of this histology class (§3, §5 patient-view effects). */
export function forbiddenFor(histology: string | undefined): NodeId[] {
  const out: NodeId[] = [];
  if (histology === 'LPS') out.push('M-3L-PAZOPANIB'); // S-PAZO-ADIPOCYTIC
  if (histology !== 'LPS') out.push('M-3L-ERIBULIN'); // S-ERIBULIN-NON-LPS
  if (histology !== 'LMS' && histology !== 'LPS') out.push('M-3L-TRABECTEDIN'); // S-TRABECTEDIN-HISTOLOGY
  if (histology !== 'LMS') out.push('M-LMS-1L-DOXO-TRAB', 'M-LMS-TRAB-MAINT');
  if (histology !== 'UPS') out.push('L-NEOADJ-UPS-PEMBRO-RT');
  return out;
}

/** The invariants every patient-view response keeps (§1 one card per node, §3, §5). */
export function expectNothingForbidden(d: WordedDecision): void {
  const ids = d.nodes.map((n) => n.id);
  // §1: one card per node, so D-ANTHRACYCLINE-CONTRAINDICATED (and every other node) at most once.
  expect(ids.filter((id) => id === 'D-ANTHRACYCLINE-CONTRAINDICATED').length).toBeLessThanOrEqual(1);
  expect(new Set(ids).size).toBe(ids.length);
  const forbidden: readonly string[] = forbiddenFor(histologyClassOf(d));
  expect(ids.filter((id) => forbidden.includes(id))).toEqual([]);
  // §3: D-ANTHRACYCLINE-CONTRAINDICATED replaces the doxorubicin nodes.
  if (ids.includes('D-ANTHRACYCLINE-CONTRAINDICATED')) {
    expect(ids.filter((id) => DOXORUBICIN_NODES.includes(id as NodeId))).toEqual([]);
  }
  for (const n of d.nodes) {
    // §1: isRecommended only on a suggestion; next-step cards never carry one.
    if (n.isRecommended) expect(n.withSuggestions).toBe(true);
    if (n.role === 'next' || n.role === 'data') expect(n.withSuggestions).toBe(false);
    if (n.role !== 'primary' && n.role !== 'current') expect(n.isRecommended).toBe(false);
    // Info, data and order nodes carry no suggestion at all.
    if (NODES[n.id as NodeId].kind === 'info' || NODES[n.id as NodeId].kind === 'data')
      expect(n.withSuggestions).toBe(false);
  }
}

/** The patient-view decision for a test patient in words (checked against what PATHWAY.md forbids). */
export async function decide(p: TestPatient, draftOrderIds?: readonly string[]): Promise<WordedDecision> {
  const typed = await evaluatePathway(engine, dataOf(p), {
    now: NOW,
    thresholds: DEFAULT_THRESHOLDS,
    timeZone: 'UTC',
    ...(draftOrderIds ? { draftOrderIds } : {}),
  });
  const d = wordPathwayDecision(typed, DEFAULT_THRESHOLDS);
  expectNothingForbidden(d);
  return d;
}

/** A draft whose medication is written as free text (as a prescriber's order entry would). */
export const draft = (id: string, text: string) => ({ id, medication: { text } });

/** The order-time decision for drafts of a test patient, in words. */
export async function order(
  p: TestPatient,
  drafts: readonly { id: string; medication: { text: string } }[],
): Promise<WordedOrderDecision> {
  return wordOrderDecision(
    await evaluateOrders(engine, dataOf(p), drafts, { now: NOW, thresholds: DEFAULT_THRESHOLDS, timeZone: 'UTC' }),
    DEFAULT_THRESHOLDS,
  );
}

/** The cards of an order decision as a clinician reads them. */
export const cardsOf = (d: WordedOrderDecision) =>
  d.cards.map((c) => ({
    kind: c.kind,
    topic: c.topic,
    indicator: c.indicator,
    draftIds: c.draftIds,
    alternatives: c.alternatives,
  }));

/** Node ids in output order. */
export const ids = (d: WordedDecision): string[] => d.nodes.map((n) => n.id);

/** [id, role, withSuggestions, isRecommended, indicator] per node. */
export const view = (d: WordedDecision) =>
  d.nodes.map((n) => [n.id, n.role, n.withSuggestions, n.isRecommended, n.indicator]);

/** The node of `id`, failing the test when it is absent. */
export function node(d: WordedDecision, id: string) {
  const n = d.nodes.find((x) => x.id === id);
  if (!n) throw new Error(`node ${id} not in ${ids(d).join(', ')}`);
  return n;
}

/** A fact's value by name. */
export const factValue = (d: WordedDecision | WordedOrderDecision, fact: string): string | undefined =>
  d.facts.find((f) => f.fact === fact)?.value;

/** Id of the STS Condition of the builders below. */
export const STS_ID = 'sts-1';

const isLvef = (r: FhirResource): boolean =>
  r.resourceType === 'Observation' &&
  (r.code.coding ?? []).some((c) => OBSERVATION_CODES.lvef.some((l) => l.code === c.code));

/**
 * A recent normal LVEF unless the test brings its own LVEF or `lvef: false`: PATHWAY.md 2026.12.1 gives every
 * anthracycline and trabectedin draft without a usable LVEF its own card (S-DOXO-LVEF-UNKNOWN, S-TRAB-LVEF).
 */
const withBaselineLvef = (extra: readonly FhirResource[], lvef: boolean): readonly FhirResource[] =>
  lvef && !extra.some(isLvef) ? [observation.lvef(60, ago(10)), ...extra] : extra;

/** A metastatic STS (C49.20 thigh with a linked metastasis, diagnosed 2025-01-01, metastatic 2025-06-01). */
export function metastatic(
  morph: string,
  extra: readonly FhirResource[] = [],
  o: { icd10?: string; lvef?: boolean } = {},
): TestPatient {
  const c = stsCondition({ id: STS_ID, icd10: o.icd10 ?? 'C49.20', morphology: morph, onset: '2025-01-01' });
  return {
    resources: [
      c,
      secondaryCondition({ primaryId: STS_ID, onset: '2025-06-01' }),
      ...withBaselineLvef(extra, o.lvef ?? true),
    ],
  };
}

/** A localized STS (M0) at a site given by its ICD-10-CM code, diagnosed 2026-01-01 (with a recent LVEF, as above). */
export function localized(
  morph: string,
  extra: readonly FhirResource[] = [],
  icd10 = 'C49.20',
  lvef = true,
): TestPatient {
  const c = stsCondition({ id: STS_ID, icd10, morphology: morph, onset: '2026-01-01' });
  return { resources: [c, observation.mCategory('M0', '2026-01-10'), ...withBaselineLvef(extra, lvef)] };
}

/** A patient with extra resources and options. */
export const withData = (
  p: TestPatient,
  more: Partial<TestPatient> & { extra?: readonly FhirResource[] },
): TestPatient => ({
  ...p,
  ...more,
  resources: [...p.resources, ...(more.extra ?? [])],
});

/** A doxorubicin administration in mg/m2. */
export const doxo = (date: string, doseMgM2 = 75) => medicationAdministration({ drug: 'doxorubicin', date, doseMgM2 });

/** An administration of a §6 drug without a dose. */
export const given = (drug: Parameters<typeof medicationAdministration>[0]['drug'], date: string) =>
  medicationAdministration({ drug, date });

/** Doxorubicin, then gemcitabine + docetaxel: metastatic line 3+ (both long before NOW). */
export const afterDoxoAndGemDoce = (): FhirResource[] => [
  doxo('2025-07-01'),
  given('gemcitabine', '2025-10-01'),
  given('docetaxel', '2025-10-01'),
];

/** Six 3-weekly doxorubicin administrations in mg/m2 summing to `total`, the last `lastDaysAgo` days ago. */
export function doxoCycles(total: number, lastDaysAgo: number): FhirResource[] {
  const per = Math.floor(total / 6);
  return Array.from({ length: 6 }, (_, i) => doxo(ago(lastDaysAgo + 21 * (5 - i)), i === 5 ? total - 5 * per : per));
}

/**
 * LMS-04 history: six 3-weekly doxorubicin + trabectedin cycles, then `count` maintenance trabectedin dates `spacing`
 * days apart, the first `firstDaysAgo` days ago (the last combination 21 days before it).
 */
export function lms04(firstDaysAgo: number, count: number, spacing = 21): FhirResource[] {
  const combination = Array.from({ length: 6 }, (_, i) => firstDaysAgo + 21 * (6 - i)).flatMap((d) => [
    medicationAdministration({ drug: 'doxorubicin', date: ago(d), doseMgM2: 60 }),
    given('trabectedin', ago(d)),
  ]);
  const maintenance = Array.from({ length: count }, (_, i) => given('trabectedin', ago(firstDaysAgo - spacing * i)));
  return [...combination, ...maintenance];
}

/** A Condition whose histology extension carries an ICD-O-3 code not listed in src/pathway (e.g. an UNCOVERED one). */
export function stsConditionWithMorphology(code: string, display: string, icd10 = 'C49.20'): Condition {
  const base = stsCondition({ id: STS_ID, icd10, onset: '2025-01-01' });
  return {
    ...base,
    extension: [
      {
        url: MCODE_EXTENSION.histologyMorphologyBehavior,
        valueCodeableConcept: { coding: [{ system: SYSTEMS.icdo3, code, display }] },
      },
    ],
  };
}

/** A completed Procedure known only by its text (no code, no profile): F9 reads "excision"/"resection", not "biopsy". */
export function procedureByText(text: string, date: string): Procedure {
  return {
    resourceType: 'Procedure',
    id: `procedure-text-${text.length}`,
    status: 'completed',
    code: { text },
    subject: { reference: 'Patient/test-patient' },
    performedDateTime: date,
    reasonReference: [{ reference: `Condition/${STS_ID}` }],
  };
}
