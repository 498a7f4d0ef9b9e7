/**
 * Order-select / order-sign (PATHWAY.md §5): matches each draft's medication to a §6 drug, evaluates cql/StsOrders
 * once, and narrows its card tuples into an `OrderDecision`.
 */
import type { PatientData } from '../fhir/types.js';
import { DRUGS, matchDrug, type ConceptInput } from '../pathway/drugs.js';
import { RULES, isRuleId } from '../pathway/rules.js';
import type { DraftDoseFact, OrderCard, OrderCardKind, OrderCumulative, OrderDecision } from './decision.js';
import type { CqlEngine } from './engine.js';
import { notCountedOf, toPatientFacts, type NotCountedReason } from './patient-facts.js';
import {
  dataQuality,
  evaluateLibrary,
  isPlainRecord,
  patientReference,
  stringsOf,
  type PathwayOptions,
} from './pathway.js';
import type { PlainValue } from './plain.js';

/** Name of the order-time library (cql/StsOrders.cql). */
export const ORDERS_LIBRARY = 'StsOrders';

/** One draft MedicationRequest of the request. */
export interface DraftInput {
  readonly id: string;
  readonly medication: ConceptInput | undefined;
  /** §5 S-IFOS-MESNA: mesna is in the draft set or in this draft's own Medication (an admixture). */
  readonly mesna?: boolean;
  /** F7 item 8: the dose the draft records (null or absent: none). */
  readonly dose?: DoseInput | null;
}

/** A recorded dose as F7 item 3 reads it: value and unit (UCUM code, else unit text; null when neither). */
export interface DoseInput {
  readonly value: number;
  readonly unit: string | null;
}

const KINDS: ReadonlySet<string> = new Set<OrderCardKind>([
  'on-pathway',
  'next-step-early',
  'later-line-early',
  'off-pathway',
  'histology-specific',
  'position-unknown',
  'pediatric',
  'rule',
]);

function isKind(k: string): k is OrderCardKind {
  return KINDS.has(k);
}

/** The indicator of an order-time card: a rule's own, warning off pathway, info otherwise. */
function indicatorOf(kind: OrderCardKind, topic: string): OrderCard['indicator'] {
  if (kind === 'rule') return isRuleId(topic) ? RULES[topic].indicator : 'warning';
  // X-PEDIATRIC is info at order time (§4.4, §5 step 1).
  return kind === 'off-pathway' ? 'warning' : 'info';
}

/** Narrows one card tuple of the `Cards` define. */
export function toOrderCard(v: PlainValue): OrderCard {
  if (!isPlainRecord(v) || typeof v.kind !== 'string' || !isKind(v.kind) || typeof v.topic !== 'string') {
    throw new Error(`StsOrders produced an unexpected card: ${JSON.stringify(v)}`);
  }
  const { kind, topic } = v;
  const position = typeof v.position === 'string' && v.position !== '' ? v.position : undefined;
  return {
    kind,
    topic,
    indicator: indicatorOf(kind, topic),
    draftIds: stringsOf(v.draftIds),
    alternatives: stringsOf(v.alternatives),
    ...(position !== undefined ? { position } : {}),
    notes: stringsOf(v.notes),
  };
}

/** The scalar placeholders' values of the rule summaries (StsOrders "Rule Values"). */
function ruleValues(v: PlainValue | undefined): Readonly<Record<string, string | number | boolean>> {
  if (!isPlainRecord(v)) return {};
  return Object.fromEntries(
    Object.entries(v).flatMap(([k, x]) =>
      typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean' ? [[k, x]] : [],
    ),
  );
}

const num = (v: PlainValue | undefined): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

const reasonOf = (reason: NotCountedReason | undefined): { reason?: NotCountedReason } =>
  reason !== undefined ? { reason } : {};

/** F7 items 5 and 8 as StsOrders gives them ("Rule Values", "Draft Doses"). */
function cumulativeOf(values: PlainValue | undefined, doses: PlainValue | undefined): OrderCumulative | undefined {
  if (!isPlainRecord(values)) return undefined;
  const n = num(values.N) ?? 0;
  const nPlusD = num(values.NPlusD);
  const drafts = (Array.isArray(doses) ? doses : []).flatMap((d): DraftDoseFact[] => {
    if (!isPlainRecord(d) || typeof d.id !== 'string' || typeof d.drug !== 'string') return [];
    const mgM2 = num(d.mgM2);
    return [
      {
        id: d.id,
        drug: d.drug,
        ...(mgM2 !== undefined ? { mgM2 } : reasonOf(notCountedOf(d.reason))),
      },
    ];
  });
  return {
    n,
    possible: num(values.P) ?? n,
    ...(nPlusD !== undefined ? { nPlusD } : {}),
    known: values.cumulativeKnown === true,
    otherAnthracyclines: values.otherAnthracyclines === true,
    drafts,
  };
}

/** The order-time decision for the drafts of one request. */
export async function evaluateOrders(
  engine: CqlEngine,
  data: PatientData,
  drafts: readonly DraftInput[],
  opts: PathwayOptions & { readonly hook?: 'order-select' | 'order-sign' },
): Promise<OrderDecision> {
  // §5: supportive drugs are removed; drafts with no §6 drug give no card.
  const matched = drafts.flatMap((d) => {
    const m = matchDrug(d.medication);
    return m !== undefined && !DRUGS[m.drug].supportive
      ? [
          {
            id: d.id,
            drug: m.drug,
            liposomal: m.liposomal,
            anthracycline: DRUGS[m.drug].anthracycline,
            mesna: d.mesna === true,
            // Never null: cql-execution 3.3.2 rejects a null tuple inside a parameter's tuple ("wrong type").
            dose: d.dose ?? { value: null, unit: null },
          },
        ]
      : [];
  });
  // F5: a resource whose id is a draft order of this request is never an exposure (an EHR may already return the draft,
  // or an active copy of it, in the patient's history). Every draft counts, recognised or not.
  const draftOrderIds = [...new Set([...(opts.draftOrderIds ?? []), ...drafts.map((d) => d.id)])];
  const raw = await evaluateLibrary(
    engine,
    ORDERS_LIBRARY,
    data,
    { ...opts, draftOrderIds },
    {
      Drafts: matched,
      'Order Sign': opts.hook === 'order-sign',
    },
  );
  const hasSts = raw['Has STS'] === true;
  const cumulative = cumulativeOf(raw['Rule Values'], raw['Draft Doses']);
  const cards = hasSts && matched.length > 0 && Array.isArray(raw.Cards) ? raw.Cards.map(toOrderCard) : [];
  return {
    hasSts,
    cards,
    facts: toPatientFacts(raw),
    quality: dataQuality(data),
    stsConditions: stringsOf(raw['STS Condition Keys']),
    patient: patientReference(data),
    ruleValues: ruleValues(raw['Rule Values']),
    ...(cumulative !== undefined ? { cumulative } : {}),
  };
}
