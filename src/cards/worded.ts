/**
 * The decision in words: what the card builders read. src/cards/decision-words.ts makes it from the typed decision of
 * src/cql/decision.ts (facts as "Based on" lines, the §3 wording variants, the later-line summaries, the order-time
 * placeholders' values).
 */
import type { DecidedNode, OrderCard, OrderCumulative } from '../cql/decision.js';

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

/** A decided node with the words its card needs beyond the node's own (§3 wording variants and later lines). */
export interface WordedNode extends Omit<DecidedNode, 'variants'> {
  /** The notes in words (src/pathway/note-words.ts filled from the facts). */
  readonly notes: readonly string[];
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
  /** A summary that replaces the role's (§3 step 7 wording variants: anthracycline-free option, LVEF stop, F10 later line). */
  readonly summary?: string;
  /** Sentences that open the detail (§3 step 7): they replace the role's headline, or precede it on a "current" card. */
  readonly opening?: readonly string[];
}

/** The patient-view decision in words. */
export interface WordedDecision {
  /** False: no STS Condition, so no cards at all. */
  readonly hasSts: boolean;
  readonly nodes: readonly WordedNode[];
  /** The facts used, for the "Based on" list of every card. */
  readonly facts: readonly FactEntry[];
  /** "Condition/id" of the STS Conditions used (suggested resources' reasonReference is the first). */
  readonly stsConditions: readonly string[];
  /** "Patient/id". */
  readonly patient: string;
}

/** One order-time card in words. */
export interface WordedOrderCard extends OrderCard {
  /** The notes in words; a histology-specific card's drug key stays as given. */
  readonly notes: readonly string[];
  /** Facts that triggered a rule card (with dates and resources). */
  readonly facts: readonly FactEntry[];
}

/** The order-time decision in words. */
export interface WordedOrderDecision {
  readonly hasSts: boolean;
  readonly cards: readonly WordedOrderCard[];
  readonly facts: readonly FactEntry[];
  readonly stsConditions: readonly string[];
  readonly patient: string;
  /** Values of the rule summaries' placeholders (LVEF, dates, reasons, N, ECOG, age, bilirubin), as text. */
  readonly values?: Readonly<Record<string, string>>;
  /** The cumulative doxorubicin as the order-time cards read it (F7 items 5 and 8, S-DOXO-CUMULATIVE-WARN). */
  readonly cumulative?: OrderCumulative;
}
