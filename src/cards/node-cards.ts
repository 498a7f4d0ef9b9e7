/**
 * Patient-view cards: one card per decided node (PATHWAY.md §1 "One card per node", §3, §4).
 */
import { randomUUID } from 'node:crypto';
import type { FactEntry, WordedDecision, WordedNode } from './worded.js';
import type { Card, Link, Suggestion } from '../shared/cds-hooks.js';
import { CdsError, internalError } from '../errors.js';
import {
  ANTHRACYCLINE_FREE_OPTION,
  compactLaterLineRelated,
  DEFAULT_THRESHOLDS,
  DRUGS,
  METASTASECTOMY,
  NODES,
  PRIOR_REGIMENS_HEADING,
  SAFETY_TEXTS,
  SITE_WORDS,
  SOURCE_LABEL,
  nodeTitle,
  shownText,
  topicOf,
  type NodeId,
  type Thresholds,
} from '../pathway/index.js';
import { docUrl, isNodeId, type CardContext } from './context.js';
import { bullets, citations, factsExtension, paragraphs } from './detail.js';
import { evidenceLinks, textCitations, uncoveredTrialTerm } from './evidence.js';
import { basedOnWords, cardFacts, fact, lineOf, numberIn } from './facts-view.js';
import { nodeText } from './node-text.js';
import { createActions, emittedCoding, isOrderable, orderWords, type ResourceContext } from './resources.js';
import { escapeMarkdown, fitPlain, fitSummary, SUMMARY_MAX } from './text.js';

/** §3 F3: every localized card (L-POST-RESECTION excepted, §4.1) says what happens when the tumor cannot be resected. */
const UNRESECTABLE_NOTE =
  'If the tumor is unresectable, the advanced-disease options apply (multidisciplinary decision).';

/** F10: progression is read only where the record states it; without it the card asks for it, never assumes it. */
const CONFIRM_PROGRESSION =
  'No progression is recorded in a form the pathway reads: confirm progression or intolerance before ordering.';

/** The node id of a decided node, or a 500: the decision and src/pathway must agree. */
export function nodeIdOf(id: string): NodeId {
  if (!isNodeId(id)) throw new CdsError(internalError(), { cause: new Error(`Decision names unknown node '${id}'`) });
  return id;
}

/** §4.2 short name of a node (its title when it has none). */
const shortName = (id: string | undefined, fallback: string, t: Thresholds): string =>
  id !== undefined && isNodeId(id) ? (NODES[id].shortName ?? nodeTitle(id, t)) : fallback;

/** Whether a card opens with "Pathway recommendation:" (§1: regimen and procedure cards only; not under S-ECOG-POOR). */
const isRecommendation = (node: WordedNode, id: NodeId): boolean =>
  node.role === 'primary' &&
  (NODES[id].kind === 'regimen' || NODES[id].kind === 'procedure') &&
  !node.rules.includes('S-ECOG-POOR');

/** §3 step 7: gemcitabine + docetaxel offered because doxorubicin is contraindicated (not a later line). */
export const isAnthracyclineFreeOption = (node: WordedNode): boolean =>
  node.id === 'M-2L-GEM-DOCE' && node.relatedId === 'D-ANTHRACYCLINE-CONTRAINDICATED';

/** Card summary by role (§1, §3): the words carry the pathway's preference, since clients may reorder cards. */
export function nodeSummary(node: WordedNode, facts: readonly FactEntry[], t: Thresholds = DEFAULT_THRESHOLDS): string {
  const id = nodeIdOf(node.id);
  const title = nodeTitle(id, t);
  if (node.summary !== undefined) return fitPlain(node.summary);
  if (isAnthracyclineFreeOption(node)) return ANTHRACYCLINE_FREE_OPTION.summary;
  const poor = ecogPoor(node, facts);
  if (poor !== undefined) return fitPlain(poor);
  if (id === 'CURRENT-OFF-PATHWAY') {
    const regimen = fact(facts, /^Current regimen$/)?.value;
    const line = lineOf(facts);
    if (regimen !== undefined && line !== undefined)
      return fitSummary('Current regimen: ', regimen, '; not a node of line ', line);
    return fitPlain(title);
  }
  switch (node.role) {
    case 'current':
      return fitPlain(`Current: ${title}`);
    case 'next':
      return fitSummary(
        'Next step if the disease progresses on ',
        shortName(node.relatedId, node.relatedTitle ?? 'the current regimen', t),
        ': ',
        title,
      );
    case 'alternative':
      return fitSummary(
        'Alternative to ',
        shortName(node.relatedId, node.relatedTitle ?? 'the recommended option', t),
        ': ',
        title,
      );
    case 'later-line': {
      // §3 "Later-line wording": the summary by the disease status (F10), built with the decision (src/cql/pathway.ts).
      if (node.laterLineSummary !== undefined) {
        const [before, related, between, title] = node.laterLineSummary;
        const whole = `${before}${related}${between}${title}`;
        return fitSummary(
          before,
          whole.length <= SUMMARY_MAX ? related : compactLaterLineRelated(related),
          between,
          title,
        );
      }
      const last = fact(facts, /^Prior regimen last exposure$/)?.date;
      const prior = `${node.priorRegimen ?? 'the prior regimen'}${last !== undefined ? ` (last given ${last})` : ''}`;
      return fitSummary(
        'If the disease has progressed on, or did not tolerate, ',
        prior,
        ': ',
        NODES[id].shortName ?? title,
      );
    }
    default:
      return isRecommendation(node, id) ? fitSummary('Pathway recommendation: ', title, '', '') : fitPlain(title);
  }
}

/** §5 S-ECOG-POOR headline of a regimen card: "ECOG {ecog} ({date}): benefit of systemic therapy uncertain". */
function ecogPoor(node: WordedNode, facts: readonly FactEntry[]): string | undefined {
  if (!node.rules.includes('S-ECOG-POOR')) return undefined;
  const ecog = fact(facts, /^ECOG$/);
  return `ECOG ${numberIn(ecog?.value) ?? '3-4'}${ecog?.date !== undefined ? ` (${ecog.date})` : ''}: benefit of systemic therapy uncertain`;
}

/** The opening line of the detail, by role: what the summary does not already say. */
function opening(
  node: WordedNode,
  withSuggestions: boolean,
  facts: readonly FactEntry[],
  t: Thresholds,
): string | undefined {
  if (isAnthracyclineFreeOption(node)) return ANTHRACYCLINE_FREE_OPTION.opening;
  if (ecogPoor(node, facts) !== undefined) {
    return `Consider best supportive care. If treatment is chosen, the pathway option at this line is: ${nodeTitle(nodeIdOf(node.id), t)}.`;
  }
  switch (node.role) {
    case 'alternative':
      return `Alternative to ${node.relatedTitle ?? 'the recommended option'}.`;
    case 'current':
      return withSuggestions ? undefined : 'No new order is suggested.';
    case 'next':
      // F10: a progression recorded since the current regimen's start is named, never contradicted.
      return node.progressionRecorded !== undefined
        ? `No order is suggested now. ${fillAngles(SAFETY_TEXTS.nextStepProgression, { date: node.progressionRecorded })}.`
        : `No order is suggested now. ${CONFIRM_PROGRESSION}`;
    case 'later-line': {
      // A summary shortened to fit is given whole here. With progression recorded the summary says so; with a
      // no-progression status the card carries no suggestion; otherwise the card asks to confirm progression.
      const full = node.laterLineSummary?.join('');
      const whole = full !== undefined && full.length > SUMMARY_MAX ? `${full}.` : undefined;
      const confirm =
        node.laterLineStatus === 'progression' || node.laterLineStatus === 'no-progression'
          ? undefined
          : CONFIRM_PROGRESSION;
      return [whole, confirm].filter((x): x is string => x !== undefined).join(' ') || undefined;
    }
    default:
      return undefined;
  }
}

/** §3 "Later-line wording": every prior regimen, oldest first, each on its own line (never one merged drug list). */
function priorRegimenList(node: WordedNode): string | undefined {
  if (node.role !== 'later-line' || node.priorRegimens === undefined || node.priorRegimens.length === 0)
    return undefined;
  return `${PRIOR_REGIMENS_HEADING}\n\n${node.priorRegimens.map(escapeMarkdown).join('\n')}`;
}

const fillAngles = (template: string, values: Readonly<Record<string, string>>): string =>
  template.replace(/<(\w+)>/g, (m, k: string) => values[k] ?? m);

/** §1 / issue 16: a suggested drug without a verified code is named as such on the card. */
function uncodedDrugs(id: NodeId): string | undefined {
  const uncoded = NODES[id].drugs.filter((d) => emittedCoding(DRUGS[d].rxnorm) === undefined).map((d) => DRUGS[d].name);
  return uncoded.length > 0
    ? `The draft order for ${uncoded.join(' and ')} carries no code (none verified): choose the product when ordering.`
    : undefined;
}

/** The pathway page for this patient: the fragment never reaches a server log (no patient id in logs). */
function patientPageLink(ctx: CardContext): Link | undefined {
  if (ctx.baseUrl === undefined) return undefined;
  const id = ctx.patientRef.replace(/^Patient\//, '');
  return {
    label: 'Pathway page for this patient',
    url: `${ctx.baseUrl.replace(/\/+$/, '')}/#patient=${encodeURIComponent(id)}`,
    type: 'absolute',
  };
}

/** One card for one decided node. */
export function buildNodeCard(node: WordedNode, decision: WordedDecision, ctx: CardContext): Card {
  const id = nodeIdOf(node.id);
  const thresholds = ctx.thresholds ?? DEFAULT_THRESHOLDS;
  const text = nodeText(id, { facts: decision.facts, rules: node.rules, notes: node.notes, thresholds });
  const withSuggestions = node.withSuggestions && isOrderable(id);
  // The anthracycline-free opening already says what the decision's note says; so does L-POST-RESECTION's adjuvant
  // pembrolizumab sentence (§4.5).
  const notes = node.notes.filter(
    (n) =>
      !(isAnthracyclineFreeOption(node) && /anthracycline-free/i.test(n)) &&
      !(id === 'L-POST-RESECTION' && /adjuvant pembrolizumab/i.test(n)) &&
      !(ecogPoor(node, decision.facts) !== undefined && /benefit of systemic therapy uncertain/i.test(n)),
  );
  if (id.startsWith('L-') && id !== 'L-POST-RESECTION' && !notes.some((n) => /unresectable/i.test(n)))
    notes.push(UNRESECTABLE_NOTE);
  if (node.metastasectomy === true) notes.push(METASTASECTOMY);
  const detail = paragraphs([
    // §3 step 7: a variant's opening (from the decision) replaces the role's opening; a "current" card keeps its own after it.
    [
      ...(node.opening ?? []),
      ...(node.opening === undefined || node.role === 'current'
        ? [opening(node, withSuggestions, decision.facts, thresholds)]
        : []),
    ]
      .filter((s): s is string => s !== undefined)
      .join('\n\n'),
    priorRegimenList(node),
    text.text,
    bullets(notes.map((n) => escapeMarkdown(shownText(n)))),
    withSuggestions ? uncodedDrugs(id) : undefined,
    citations(textCitations(text.evidence)),
    basedOnWords(cardFacts(id, isAnthracyclineFreeOption(node) ? 'next' : node.role, decision.facts)),
  ]);
  const site = siteOf(decision.facts);
  const res: ResourceContext = {
    patientRef: ctx.patientRef,
    now: ctx.now,
    ...(decision.stsConditions[0] !== undefined ? { reasonRef: decision.stsConditions[0] } : {}),
    ...(site !== undefined ? { site } : {}),
    thresholds,
  };
  const suggestions: Suggestion[] = [];
  if (withSuggestions) {
    const uuid = randomUUID();
    // §1: isRecommended is omitted (a chemotherapy or procedure draft must never be pre-selected).
    suggestions.push({ label: `Draft orders: ${orderWords(id, site)}`, uuid, actions: createActions(id, uuid, res) });
  }
  const url = docUrl(ctx, id);
  const page = patientPageLink(ctx);
  // §4.4: X-UNCOVERED searches ClinicalTrials.gov for the record's own display of the histology.
  const term = id === 'X-UNCOVERED' ? uncoveredTrialTerm(decision.facts) : undefined;
  const links = [...evidenceLinks(text.evidence, decision.facts, term), ...(page !== undefined ? [page] : [])];
  return {
    uuid: randomUUID(),
    summary: nodeSummary(node, decision.facts, thresholds),
    detail,
    indicator: node.indicator,
    source: { label: SOURCE_LABEL, ...(url !== undefined ? { url } : {}), topic: topicOf(id, thresholds) },
    ...(suggestions.length > 0 ? { suggestions, selectionBehavior: 'at-most-one' as const } : {}),
    ...(links.length > 0 ? { links } : {}),
    extension: factsExtension(decision.facts),
  };
}

/** F4 site of the facts as its enum (the fact is in words: "extremity (C49.22)"). */
function siteOf(facts: readonly FactEntry[]): string | undefined {
  const words = fact(facts, /^Primary site$/)?.value.replace(/\s*[(:].*$/, '');
  return Object.keys(SITE_WORDS).find((k) => SITE_WORDS[k] === words);
}

/** The patient-view cards of a decision: none without an STS Condition, else one per node (§1, §3). */
export function buildPathwayCards(decision: WordedDecision, ctx: CardContext): Card[] {
  if (!decision.hasSts) return [];
  const seen = new Set<string>();
  const nodes = decision.nodes.filter((n) => {
    // §1: D-ANTHRACYCLINE-CONTRAINDICATED appears at most once per response.
    if (n.id !== 'D-ANTHRACYCLINE-CONTRAINDICATED') return true;
    if (seen.has(n.id)) return false;
    seen.add(n.id);
    return true;
  });
  return nodes.map((n) => buildNodeCard(n, decision, ctx));
}
