/**
 * The contract between the pathway decision (CQL: §3 patient-view decision, §5 safety rules and order classification)
 * and the card builders. The CQL libraries compute these; `src/cards/` renders them. Plain data, no engine types.
 */

/** A fact behind a card: one line of the "Based on" list and one entry of the facts extension (PATHWAY.md §1). */
export interface FactEntry {
  /** Human name of the fact, e.g. "Histology", "Extent", "Line of therapy", "LVEF". */
  readonly fact: string;
  /** Its value as shown, e.g. "leiomyosarcoma (8890/3)", or "not found (looked for: ...)", or "unavailable (...)". */
  readonly value: string;
  readonly code?: { readonly system: string; readonly code: string; readonly display?: string };
  /** "Type/id" of the resource it came from. */
  readonly reference?: string;
  /** FHIR date or dateTime of that resource (PATHWAY.md §2 "date"). */
  readonly date?: string;
}

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
  /** The last prior regimen (F5) for 'later-line' titles, e.g. "gemcitabine + docetaxel". */
  readonly priorRegimen?: string;
  /** 'later-line': every prior regimen (F5), oldest first, one line each ("1. doxorubicin, 6 administration dates, ..."). */
  readonly priorRegimens?: readonly string[];
  /** 'later-line': the summary by the disease status (F10) since the start of the last prior regimen (§3), in four
   * parts `<before><related><between><title>` (the related part is shortened first when it must fit). */
  readonly laterLineSummary?: readonly [string, string, string, string];
  /** 'later-line': which of the three §3 summaries applies. */
  readonly laterLineStatus?: 'progression' | 'no-progression' | 'unknown';
  /** 'later-line' and 'next': the date of the progression F10 found (since the last prior regimen's or current start). */
  readonly progressionRecorded?: string;
  /** Extra lines of the card detail: why no suggestions, missing data, safety facts (§5 patient-view effects). */
  readonly notes: readonly string[];
  /** Safety rules (§5 ids) whose patient-view effect shaped this card. */
  readonly rules: readonly string[];
  /** A summary that replaces the role's (§3 step 7 wording variants: anthracycline-free option, LVEF stop, F10 later line). */
  readonly summary?: string;
  /** §3 step 7 "always": the card of the item that gave the metastatic recommendation adds the metastasectomy sentence. */
  readonly metastasectomy?: boolean;
  /** Sentences that open the detail (§3 step 7): they replace the role's headline, or precede it on a "current" card. */
  readonly opening?: readonly string[];
}

/** The patient-view decision for one patient. */
export interface PathwayDecision {
  /** False: no STS Condition, so no cards at all. */
  readonly hasSts: boolean;
  readonly nodes: readonly DecidedNode[];
  /** The facts used, for the "Based on" list of every card. */
  readonly facts: readonly FactEntry[];
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
  /** Extra detail lines (e.g. "part of <title>", the rule's triggering facts). */
  readonly notes: readonly string[];
  /** Facts that triggered a rule card (with dates and resources). */
  readonly facts: readonly FactEntry[];
}

/** The order-time decision: cards for the draft set, plus the patient facts. */
export interface OrderDecision {
  readonly hasSts: boolean;
  readonly cards: readonly OrderCard[];
  readonly facts: readonly FactEntry[];
  readonly stsConditions: readonly string[];
  readonly patient: string;
  /** Values of the rule summaries' placeholders (LVEF, dates, reasons, N, ECOG, age, bilirubin), as text. */
  readonly values?: Readonly<Record<string, string>>;
  /** The cumulative doxorubicin as the order-time cards read it (F7 items 5 and 8, S-DOXO-CUMULATIVE-WARN). */
  readonly cumulative?: OrderCumulative;
}

/** F7 item 8: one anthracycline draft's dose in mg/m² (mg over the BSA of now), or why it is not convertible. */
export interface DraftDoseFact {
  readonly id: string;
  /** The §6 drug key of the draft. */
  readonly drug: string;
  readonly mgM2?: number;
  /** Why the dose is not convertible ("no dose", "unit mL not convertible", "no BSA"). */
  readonly reason?: string;
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
