/**
 * The contract between the pathway decision (CQL: §3 patient-view decision, §5 safety rules and order classification)
 * and the card builders. The CQL libraries compute these; `src/cards/` words and renders them. Plain data, no engine
 * types and no card words.
 */
import type { DataNotices } from '../fhir/types.js';
import type { NotCountedReason, PatientFacts } from './patient-facts.js';

/** What of the record could not be used as it came (PATHWAY.md §2): every card says so. */
export interface DataQuality {
  /** Resource types whose query failed both ways, with why. */
  readonly unreadable: ReadonlyMap<string, string>;
  /** Resource types read only in part (a searchset whose `next` pages could not be followed), with why. */
  readonly incomplete: ReadonlyMap<string, string>;
  /** What else the data path noticed (resources left out, the EHR's warnings). */
  readonly notices: DataNotices;
}

/**
 * §3 step 7 wording variants of a node's card: the cumulative-limit stop or the LVEF hold of a current doxorubicin,
 * gemcitabine + docetaxel as the anthracycline-free option, or as the option if doxorubicin is stopped for the LVEF.
 */
export type NodeVariant = 'doxo-cumulative-stop' | 'doxo-lvef-hold' | 'anthracycline-free' | 'lvef-stop';

/** How a node is shown (PATHWAY.md §1 "One card per node", §3). */
export type NodeRole =
  | 'primary' // the first node of a §3 item at line 1 or in the localized branch: isRecommended on its suggestion
  | 'alternative' // detail begins "Alternative to <title of the primary>"
  | 'current' // "Current: <title>", info, no suggestions
  | 'next' // title begins "Next step if the disease progresses on <current title>", no suggestions
  | 'later-line' // line 2+: "If the disease has progressed on, or did not tolerate, <prior regimen>: <title>"
  | 'data' // data / outside-pathway / decision nodes (D-*, X-*, CURRENT-OFF-PATHWAY, L-* info nodes)
  | 'trial'; // M-TRIAL

/** One node the patient reached at patient-view: becomes exactly one card. */
export interface DecidedNode {
  /** Node id of PATHWAY.md §4 (a NodeId of src/pathway/nodes.ts). */
  readonly id: string;
  readonly role: NodeRole;
  /** Whether the card carries the node's suggestion (regimen / procedure). */
  readonly withSuggestions: boolean;
  /** The node the pathway prefers at this position (never emitted: PATHWAY.md §1 omits isRecommended; words carry it). */
  readonly isRecommended: boolean;
  /** The card indicator after the §5 patient-view effects (e.g. S-COMBO-ECOG, S-ECOG-POOR make it 'warning'). */
  readonly indicator: 'info' | 'warning' | 'critical';
  /** Title of the node this one relates to: the primary (for 'alternative'), the current (for 'next'). */
  readonly relatedTitle?: string;
  /** Id of that node (its §4.2 short name goes into summaries). */
  readonly relatedId?: string;
  /** Extra lines of the card detail by code (src/pathway/note-words.ts): why no suggestions, missing data, §5 effects. */
  readonly notes: readonly string[];
  /** Safety rules (§5 ids) whose patient-view effect shaped this card. */
  readonly rules: readonly string[];
  /** §3 step 7 wording variants of the card, in the order the library gave them. */
  readonly variants: readonly NodeVariant[];
  /** §3 step 7 "always": the card of the item that gave the metastatic recommendation adds the metastasectomy sentence. */
  readonly metastasectomy?: boolean;
}

/** The patient-view decision for one patient. */
export interface PathwayDecision {
  /** False: no STS Condition, so no cards at all. */
  readonly hasSts: boolean;
  readonly nodes: readonly DecidedNode[];
  /** The facts used, for the "Based on" list of every card. */
  readonly facts: PatientFacts;
  readonly quality: DataQuality;
  /** "Condition/id" of the STS Conditions used (suggested resources' reasonReference is the first). */
  readonly stsConditions: readonly string[];
  /** "Patient/id". */
  readonly patient: string;
}

/** What kind of order-time card a draft gets (PATHWAY.md §5 "Order-select / order-sign classification"). */
export type OrderCardKind =
  | 'on-pathway' // step 4: info, topic = matched node
  | 'next-step-early' // step 5
  | 'later-line-early' // step 6
  | 'off-pathway' // step 7: warning OFF-PATHWAY with the on-pathway options as suggestions
  | 'histology-specific' // step 7 exceptions: info HISTOLOGY-SPECIFIC-OPTION, notes = [the drug]
  | 'position-unknown' // step 2
  | 'pediatric' // step 1: info X-PEDIATRIC for an anthracycline draft under 18
  | 'rule'; // a §5 rule card (blocking or advisory): topic = rule id

/** One order-time card to build. */
export interface OrderCard {
  readonly kind: OrderCardKind;
  /** Node id or rule id for the card's topic. */
  readonly topic: string;
  readonly indicator: 'info' | 'warning' | 'critical';
  /** Ids of the draft MedicationRequests this card is about (a regimen's drafts share one card). */
  readonly draftIds: readonly string[];
  /** Node ids offered as suggestions (each: delete the drafts, create the node's MedicationRequests). */
  readonly alternatives: readonly string[];
  /** Node whose title names the patient's position (off-pathway / position-unknown cards). */
  readonly position?: string;
  /** Extra detail lines from the library, as note codes (src/pathway/note-words.ts) or a drug key (histology-specific). */
  readonly notes: readonly string[];
}

/** The order-time decision: cards for the draft set, plus the patient facts. */
export interface OrderDecision {
  readonly hasSts: boolean;
  readonly cards: readonly OrderCard[];
  readonly facts: PatientFacts;
  readonly quality: DataQuality;
  readonly stsConditions: readonly string[];
  readonly patient: string;
  /** Values of the rule summaries' placeholders (LVEF, dates, reasons, N, ECOG, age, bilirubin): StsOrders "Rule Values". */
  readonly ruleValues: Readonly<Record<string, string | number | boolean>>;
  /** The cumulative doxorubicin as the order-time cards read it (F7 items 5 and 8, S-DOXO-CUMULATIVE-WARN). */
  readonly cumulative?: OrderCumulative;
}

/** F7 item 8: one anthracycline draft's dose in mg/m² (mg over the BSA of now), or why it is not convertible. */
export interface DraftDoseFact {
  readonly id: string;
  /** The §6 drug key of the draft. */
  readonly drug: string;
  readonly mgM2?: number;
  /** Why the dose is not convertible (no dose, a unit other than mg/m², mg or g, no BSA). */
  readonly reason?: NotCountedReason;
}

/** The cumulative doxorubicin at order time (F7 item 5), with the draft set's doses (item 8). */
export interface OrderCumulative {
  /** N: the confirmed cumulative doxorubicin (mg/m²). */
  readonly n: number;
  /** P: N plus one dose per unconfirmed order or statement (never an upper bound). */
  readonly possible: number;
  /** N plus the convertible doses of the draft set's anthracycline drafts; absent when none is convertible. */
  readonly nPlusD?: number;
  /** The total is known (else "at least N"). */
  readonly known: boolean;
  /** Another anthracycline (epirubicin, daunorubicin, idarubicin, mitoxantrone) was received. */
  readonly otherAnthracyclines: boolean;
  readonly drafts: readonly DraftDoseFact[];
}
