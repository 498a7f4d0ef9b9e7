/**
 * Order-select / order-sign (PATHWAY.md §5): matches each draft's medication to a §6 drug, evaluates cql/StsOrders
 * once, and narrows its card tuples into an `OrderDecision`.
 */
import type { PatientData } from '../hooks/types.js';
import { DRUGS, matchDrug, type ConceptInput } from '../pathway/drugs.js';
import { NODES, RULES, isRuleId, type NodeId } from '../pathway/nodes.js';
import type { FactEntry, OrderCard, OrderCardKind, OrderDecision } from './decision.js';
import type { CqlEngine } from './engine.js';
import { factsOf } from './data-facts.js';
import { evaluateLibrary, isPlainRecord, patientReference, stringsOf, type PathwayOptions } from './pathway.js';
import type { PlainValue } from './plain.js';

/** Name of the order-time library (cql/StsOrders.cql). */
export const ORDERS_LIBRARY = 'StsOrders';

/** One draft MedicationRequest of the request. */
export interface DraftInput {
  readonly id: string;
  readonly medication: ConceptInput | undefined;
}

const KINDS: ReadonlySet<string> = new Set<OrderCardKind>([
  'on-pathway', 'next-step-early', 'later-line-early', 'off-pathway', 'position-unknown', 'rule',
]);

function isKind(k: string): k is OrderCardKind {
  return KINDS.has(k);
}

function isNodeId(id: string): id is NodeId {
  return Object.hasOwn(NODES, id);
}

// The facts each rule card names (§5: "the facts that triggered it").
const RULE_FACTS: Readonly<Record<string, readonly string[]>> = {
  'S-PAZO-ADIPOCYTIC': ['Histology'],
  'S-ERIBULIN-NON-LPS': ['Histology'],
  'S-TRABECTEDIN-HISTOLOGY': ['Histology'],
  'S-DOXO-LVEF': ['LVEF'],
  'S-DOXO-CUMULATIVE': ['Cumulative doxorubicin'],
  'S-DOXO-CUMULATIVE-WARN': ['Cumulative doxorubicin', 'Treatment history'],
  'S-PEMBRO-SETTING': ['Histology', 'Extent'],
  'S-COMBO-ECOG': ['ECOG', 'Current regimen'],
  'S-ECOG-POOR': ['ECOG'],
  'S-REPEAT': ['Line of therapy', 'Current regimen'],
};

/** The indicator of an order-time card: a rule's own, warning off pathway, info otherwise. */
function indicatorOf(kind: OrderCardKind, topic: string): OrderCard['indicator'] {
  if (kind === 'rule') return isRuleId(topic) ? RULES[topic].indicator : 'warning';
  return kind === 'off-pathway' ? 'warning' : 'info';
}

/** Narrows one card tuple of the `Cards` define. */
export function toOrderCard(v: PlainValue, facts: readonly FactEntry[]): OrderCard {
  if (!isPlainRecord(v) || typeof v.kind !== 'string' || !isKind(v.kind) || typeof v.topic !== 'string') {
    throw new Error(`StsOrders produced an unexpected card: ${JSON.stringify(v)}`);
  }
  const { kind, topic } = v;
  const notes = stringsOf(v.notes).map((n) =>
    // "part-of": a drafted drug that is one component of a multi-drug node whose others are not drafted.
    n === 'part-of' && isNodeId(topic) ? `part of ${NODES[topic].title}` : n,
  );
  if (kind === 'next-step-early') notes.unshift('Next step ordered while the current regimen is ongoing: confirm progression or intolerance');
  const position = typeof v.position === 'string' && v.position !== '' ? v.position : undefined;
  const ruleFacts = kind === 'rule' ? (RULE_FACTS[topic] ?? []) : [];
  return {
    kind,
    topic,
    indicator: indicatorOf(kind, topic),
    draftIds: stringsOf(v.draftIds),
    alternatives: stringsOf(v.alternatives),
    ...(position !== undefined ? { position } : {}),
    notes,
    facts: facts.filter((f) => ruleFacts.includes(f.fact)),
  };
}

/** The order-time decision for the drafts of one request. */
export async function evaluateOrders(
  engine: CqlEngine,
  data: PatientData,
  drafts: readonly DraftInput[],
  opts: PathwayOptions,
): Promise<OrderDecision> {
  // §5: supportive drugs are removed; drafts with no §6 drug give no card.
  const matched = drafts.flatMap((d) => {
    const m = matchDrug(d.medication);
    return m !== undefined && !DRUGS[m.drug].supportive ? [{ id: d.id, drug: m.drug, liposomal: m.liposomal }] : [];
  });
  // F5: a resource whose id is a draft order of this request is never an exposure (an EHR may already return the draft,
  // or an active copy of it, in the patient's history). Every draft counts, recognised or not.
  const draftOrderIds = [...new Set([...(opts.draftOrderIds ?? []), ...drafts.map((d) => d.id)])];
  const raw = await evaluateLibrary(engine, ORDERS_LIBRARY, data, { ...opts, draftOrderIds }, {
    Drafts: matched,
  });
  const hasSts = raw['Has STS'] === true;
  const facts = hasSts ? factsOf(raw, data) : [];
  const cards = hasSts && matched.length > 0 && Array.isArray(raw.Cards) ? raw.Cards.map((c) => toOrderCard(c, facts)) : [];
  return { hasSts, cards, facts, stsConditions: stringsOf(raw['STS Condition Keys']), patient: patientReference(data) };
}
