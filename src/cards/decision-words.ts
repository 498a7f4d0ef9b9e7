/**
 * The typed decision of src/cql/decision.ts in words (PATHWAY.md §1, §3, §5): the facts as "Based on" lines, the §3
 * step 7 wording variants, the later-line summaries and prior regimens, the maintenance opening, and the order-time
 * cards' facts, notes and placeholder values. The card builders read only the result (src/cards/worded.ts).
 */
import type { DecidedNode, OrderCard, OrderCardKind, OrderDecision, PathwayDecision } from '../cql/decision.js';
import type { PatientFacts } from '../cql/patient-facts.js';
import {
  ANTHRACYCLINE_FREE_OPENING,
  ANTHRACYCLINE_FREE_SUMMARY,
  doxoCumulativeStop,
  doxoLvefHold,
  laterLineSummary,
  isNoteCode,
  lvefText,
  lvefUnusableWords,
  LVEF_STOP_SUMMARY,
  maintenanceOpening,
  mg,
  NODES,
  NO_VALUE,
  NOTE_WORDS,
  priorRegimenLine,
  type NoteCode,
  type Thresholds,
} from '../pathway/index.js';
import { isNodeId } from './context.js';
import { diseaseStatusWords } from './disease-status.js';
import { factEntries } from './fact-entries.js';
import type { FactEntry, WordedDecision, WordedNode, WordedOrderCard, WordedOrderDecision } from './worded.js';

/** The values a note's `<...>` placeholders name, from the facts and §9 (src/pathway/note-words.ts). */
function noteValues(code: NoteCode, facts: PatientFacts, t: Thresholds, topic: string): Record<string, string> {
  switch (code) {
    case 'ecogCombo':
      return { ecog: String(facts.ecog?.value ?? '') };
    case 'lvefUnusable':
      return { reason: lvefUnusableWords(facts.lvef?.unusable) };
    case 'lvefNotInterpretable':
      return { value: facts.lvef?.notInterpretable?.text ?? NO_VALUE };
    case 'cumulativeIncomplete':
    case 'cumulativeWarn':
      return { N: String(facts.cumulative?.mgM2 ?? 0), warn: String(t.cumulativeDoxoWarnMgM2) };
    case 'partOf':
      return { title: isNodeId(topic) ? NODES[topic].title : topic };
    default:
      return {};
  }
}

/** The notes of a node or order card in words: a note code's words, anything else (a drug key) as the library gave it. */
function noteWords(notes: readonly string[], facts: PatientFacts, t: Thresholds, topic: string): string[] {
  return notes.map((n) => {
    if (!isNoteCode(n)) return n;
    const values = noteValues(n, facts, t, topic);
    return NOTE_WORDS[n].replace(/<(\w+)>/g, (m, k: string) => values[k] ?? m);
  });
}

/** §3 step 7: the summary and opening of a node's wording variant(s), filled from the facts and the §9 thresholds. */
function variantWords(node: DecidedNode, facts: PatientFacts, t: Thresholds): { summary?: string; opening?: string[] } {
  const opening: string[] = [];
  let summary: string | undefined;
  for (const v of node.variants) {
    if (v === 'doxo-cumulative-stop') {
      opening.push(doxoCumulativeStop(facts.cumulative?.mgM2 ?? 0, t.cumulativeDoxoCriticalMgM2));
    } else if (v === 'doxo-lvef-hold') {
      opening.push(
        doxoLvefHold(
          lvefText(facts.lvef?.value ?? 0, facts.lvef?.comparator),
          facts.lvef?.date ?? 'undated',
          t.lvefMinPercent,
        ),
      );
    } else if (v === 'anthracycline-free') {
      summary = ANTHRACYCLINE_FREE_SUMMARY;
      opening.push(ANTHRACYCLINE_FREE_OPENING);
    } else if (v === 'lvef-stop') summary = LVEF_STOP_SUMMARY;
  }
  return { ...(summary !== undefined ? { summary } : {}), ...(opening.length > 0 ? { opening } : {}) };
}

/**
 * §3 "Later-line wording" from F5 (prior regimens) and F10 (the disease status since the start of the last prior
 * regimen): the fields of a later-line node, given its short name.
 */
function laterLineWords(facts: PatientFacts, shortName: string): Partial<WordedNode> {
  const lines = facts.priorRegimens.map((r, i) =>
    priorRegimenLine(i + 1, r.drugs.join(' + '), r.dates ?? 0, r.first ?? 'undated', r.last ?? 'undated'),
  );
  const last = facts.priorLastExposure;
  // Undated prior exposures form no regimen (F5 runs need dates): with no dated one, the prior drugs are named.
  const priorDrugs = facts.priorDrugs.join(' + ');
  const lastDrugs = last?.drugs.join(' + ') ?? '';
  const prior = lastDrugs !== '' ? lastDrugs : priorDrugs !== '' ? priorDrugs : undefined;
  const lastGiven = last?.lastDate;
  const status = facts.laterLineStatus;
  const reading = status?.reading;
  const date = reading?.date;
  const named = prior ?? 'the prior regimen';
  const kind =
    date === undefined
      ? 'unknown'
      : status?.kind === 'progression'
        ? 'progression'
        : status?.kind === 'no-progression'
          ? 'no-progression'
          : 'unknown';
  const summary =
    kind === 'progression' && date !== undefined
      ? laterLineSummary.progression(date, named, shortName)
      : kind === 'no-progression' && date !== undefined
        ? laterLineSummary.noProgression(named, diseaseStatusWords(reading), date, shortName)
        : laterLineSummary.unknown(named, lastGiven, shortName);
  return {
    ...(prior !== undefined ? { priorRegimen: prior } : {}),
    priorRegimens: lines,
    laterLineSummary: summary,
    laterLineStatus: kind,
    ...(kind === 'progression' && date !== undefined ? { progressionRecorded: date } : {}),
  };
}

/** One decided node with the words of its variants, its later line, its progression and its maintenance opening. */
function wordNode(node: DecidedNode, facts: PatientFacts, t: Thresholds): WordedNode {
  const n: WordedNode = {
    id: node.id,
    role: node.role,
    withSuggestions: node.withSuggestions,
    isRecommended: node.isRecommended,
    indicator: node.indicator,
    ...(node.relatedTitle !== undefined ? { relatedTitle: node.relatedTitle } : {}),
    ...(node.relatedId !== undefined ? { relatedId: node.relatedId } : {}),
    notes: noteWords(node.notes, facts, t, node.id),
    rules: node.rules,
    ...(node.metastasectomy !== undefined ? { metastasectomy: node.metastasectomy } : {}),
    ...(node.variants.length > 0 ? variantWords(node, facts, t) : {}),
  };
  // §3 "Later-line wording": line 2+ recommendation cards name the last prior regimen and list every prior regimen.
  if (n.role === 'later-line' && isNodeId(n.id))
    return { ...n, ...laterLineWords(facts, NODES[n.id].shortName ?? NODES[n.id].title) };
  // A next-step card does not say "no progression is recorded" when F10 finds one after the current start (§5 step 5).
  if (n.role === 'next' && facts.progressionSinceCurrentStart !== undefined)
    return { ...n, progressionRecorded: facts.progressionSinceCurrentStart };
  // §3 step 7: the maintenance card opens with the maintenance dates given and when the period ends.
  const m = facts.maintenance;
  if (n.id === 'M-LMS-TRAB-MAINT' && n.role === 'current' && m !== undefined) {
    const opening = maintenanceOpening(m.given, m.since, t.maintenanceMaxCycles, t.maintenanceMaxDays);
    return { ...n, opening: [opening, ...(n.opening ?? [])] };
  }
  return n;
}

/** The patient-view decision in words, with the configured §9 thresholds. */
export function wordPathwayDecision(decision: PathwayDecision, t: Thresholds): WordedDecision {
  return {
    hasSts: decision.hasSts,
    nodes: decision.nodes.map((n) => wordNode(n, decision.facts, t)),
    facts: decision.hasSts ? factEntries(decision.facts, decision.quality) : [],
    stsConditions: decision.stsConditions,
    patient: decision.patient,
  };
}

// The facts each rule card names (§5: "the facts that triggered it").
const RULE_FACTS: Readonly<Record<string, readonly string[]>> = {
  'S-PAZO-ADIPOCYTIC': ['Histology'],
  'S-ERIBULIN-NON-LPS': ['Histology'],
  'S-TRABECTEDIN-HISTOLOGY': ['Histology'],
  'S-DOXO-LVEF': ['LVEF'],
  'S-DOXO-CUMULATIVE': ['Cumulative doxorubicin'],
  'S-DOXO-LVEF-UNKNOWN': ['LVEF', 'Cumulative doxorubicin'],
  'S-DOXO-CUMULATIVE-WARN': ['Cumulative doxorubicin', 'Treatment history'],
  'S-PEMBRO-SETTING': ['Histology', 'Extent'],
  'S-COMBO-ECOG': ['ECOG', 'Current regimen'],
  'S-COMBO-AGE': ['Age', 'Current regimen'],
  'S-ECOG-POOR': ['ECOG'],
  'S-IFOS-MESNA': ['Treatment history', 'Current regimen'],
  'S-TRAB-LVEF': ['LVEF'],
  'S-BILIRUBIN-HIGH': ['Total bilirubin'],
  'S-REPEAT': ['Line of therapy', 'Current regimen'],
};

// The facts of the other order-time cards: §5 step 1 lists the LVEF and cumulative anthracycline facts on X-PEDIATRIC.
const KIND_FACTS: Partial<Record<OrderCardKind, readonly string[]>> = {
  pediatric: ['Age', 'LVEF', 'Cumulative doxorubicin'],
};

/** One order-time card in words: its notes and the facts it names. */
function wordOrderCard(
  card: OrderCard,
  typed: PatientFacts,
  facts: readonly FactEntry[],
  t: Thresholds,
): WordedOrderCard {
  const { topic, kind } = card;
  const names = kind === 'rule' ? (RULE_FACTS[topic] ?? []) : (KIND_FACTS[kind] ?? []);
  return {
    ...card,
    notes: noteWords(card.notes, typed, t, topic),
    facts: facts.filter((f) => names.includes(f.fact)),
  };
}

/** The order-time decision in words: the rule summaries' values as text, doses written as on cards (`mg`). */
export function wordOrderDecision(decision: OrderDecision, t: Thresholds): WordedOrderDecision {
  const facts = decision.hasSts ? factEntries(decision.facts, decision.quality) : [];
  const c = decision.cumulative;
  // The dose placeholders {N}, {P} and {N + d} (§5).
  const doses =
    c === undefined
      ? {}
      : { N: mg(c.n), P: mg(c.possible), ...(c.nPlusD !== undefined ? { 'N + d': mg(c.nPlusD) } : {}) };
  return {
    hasSts: decision.hasSts,
    cards: decision.cards.map((card) => wordOrderCard(card, decision.facts, facts, t)),
    facts,
    stsConditions: decision.stsConditions,
    patient: decision.patient,
    values: {
      ...Object.fromEntries(Object.entries(decision.ruleValues).map(([k, v]) => [k, String(v)])),
      // F7: why no LVEF is usable, by code in StsOrders "Rule Values".
      ...reasonWords(decision.ruleValues, 'reason'),
      ...reasonWords(decision.ruleValues, 'trabReason'),
      ...doses,
    },
    ...(c !== undefined ? { cumulative: c } : {}),
  };
}

/** A rule value that is an F7 LVEF-unusable code, in words (absent when the rule values do not carry it). */
function reasonWords(values: OrderDecision['ruleValues'], key: string): Record<string, string> {
  const code = values[key];
  return typeof code === 'string' ? { [key]: lvefUnusableWords(code) } : {};
}
