/**
 * Patient-view cards: one card per decided node (PATHWAY.md §1 "One card per node", §3, §4).
 */
import { randomUUID } from 'node:crypto';
import type { DecidedNode, FactEntry, PathwayDecision } from '../cql/decision.js';
import type { Card, Suggestion } from '../hooks/types.js';
import { CdsError, internalError } from '../errors.js';
import { DRUGS, NODES, SCHEDULE_TEXT, SOURCE_LABEL, topicOf, type NodeId } from '../pathway/index.js';
import { docUrl, isNodeId, type CardContext } from './context.js';
import { basedOn, bullets, citations, factsExtension, paragraphs } from './detail.js';
import { evidenceLinks, textCitations } from './evidence.js';
import { nodeText } from './node-text.js';
import { createActions, isOrderable, orderWords, type ResourceContext } from './resources.js';
import { escapeMarkdown, fitPlain, fitSummary } from './text.js';

/** §3 F3: every localized card says what happens when the tumor cannot be resected. */
const UNRESECTABLE_NOTE =
  'If the tumor is unresectable, the advanced-disease options apply (multidisciplinary decision).';

const PROGRESSION_UNREADABLE = 'Progression is not a fact the service can read: confirm progression or intolerance before ordering.';

/** The node id of a decided node, or a 500: the decision and src/pathway must agree. */
export function nodeIdOf(id: string): NodeId {
  if (!isNodeId(id)) throw new CdsError(internalError(), { cause: new Error(`Decision names unknown node '${id}'`) });
  return id;
}

/** The value of the first fact whose name matches. */
const factValue = (facts: readonly FactEntry[], name: RegExp): string | undefined => facts.find((f) => name.test(f.fact))?.value;

/** Card summary by role (§1, §3). */
export function nodeSummary(node: DecidedNode, facts: readonly FactEntry[]): string {
  const id = nodeIdOf(node.id);
  const title = NODES[id].title;
  if (id === 'CURRENT-OFF-PATHWAY') {
    const regimen = factValue(facts, /^current regimen/i);
    const line = factValue(facts, /^line/i);
    if (regimen !== undefined && line !== undefined) return fitSummary('Current regimen: ', regimen, '; not a node of line ', line);
    return fitPlain(title);
  }
  if (node.summary !== undefined) return fitPlain(node.summary);
  switch (node.role) {
    case 'current':
      return fitPlain(`Current: ${title}`);
    case 'next':
      return fitSummary('Next step if the disease progresses on ', node.relatedTitle ?? 'the current regimen', ': ', title);
    case 'later-line':
      return fitSummary('If the disease has progressed on, or did not tolerate, ', node.priorRegimen ?? 'the prior regimen', ': ', title);
    default:
      return fitPlain(title);
  }
}

/** The opening line(s) of the detail, by role. */
function headline(node: DecidedNode, id: NodeId): string[] {
  const title = NODES[id].title;
  const consider = /\bconsider\b/i.test(title);
  switch (node.role) {
    case 'primary':
      return [consider ? `**${title}.**` : `**Pathway recommendation: ${title}.**`];
    case 'alternative':
      return [`Alternative to ${node.relatedTitle ?? 'the recommended option'}.`, `**${consider ? title : `Option: ${title}`}.**`];
    case 'current':
      return [`**The current regimen matches this node: ${title}.** No new order is suggested.`];
    case 'next':
      return [
        `**Next step if the disease progresses on ${node.relatedTitle ?? 'the current regimen'}: ${title}.** No order is suggested now.`,
        PROGRESSION_UNREADABLE,
      ];
    case 'later-line':
      return [
        `**If the disease has progressed on, or did not tolerate, ${escapeMarkdown(node.priorRegimen ?? 'the prior regimen')}: ${title}.**`,
        PROGRESSION_UNREADABLE,
      ];
    default:
      return [`**${title}.**`];
  }
}

/** The suggested-orders paragraph: what the suggestion creates and the §6 schedule text of each drug. */
function ordersParagraph(id: NodeId): string {
  const def = NODES[id];
  const lines = def.drugs.map((d) => {
    const schedule = SCHEDULE_TEXT[id]?.[d];
    const supportive = DRUGS[d].supportive ? ' (supportive)' : '';
    return `${DRUGS[d].name}${supportive}${schedule !== undefined ? `: ${schedule}` : ''}`;
  });
  if (def.service) lines.push(def.service.text ?? def.service.code.display ?? def.title);
  return `Suggested draft orders (proposals to review; doses are not structured):\n\n${bullets(lines) ?? ''}`;
}

/** One card for one decided node. */
export function buildNodeCard(node: DecidedNode, decision: PathwayDecision, ctx: CardContext): Card {
  const id = nodeIdOf(node.id);
  const text = nodeText(id, decision.facts, node.rules);
  const withSuggestions = node.withSuggestions && isOrderable(id);
  const notes = [...node.notes];
  if (id.startsWith('L-') && !notes.some((n) => /unresectable/i.test(n))) notes.push(UNRESECTABLE_NOTE);
  const detail = paragraphs([
    // §3 step 7: a variant's opening replaces the role's headline (a "current" card keeps its own after it).
    [...(node.opening ?? []), ...(node.opening === undefined || node.role === 'current' ? headline(node, id) : [])].join('\n\n'),
    text.text,
    bullets(notes.map(escapeMarkdown)),
    withSuggestions ? ordersParagraph(id) : undefined,
    citations(textCitations(text.evidence)),
    basedOn(decision.facts),
  ]);
  const res: ResourceContext = {
    patientRef: ctx.patientRef,
    now: ctx.now,
    ...(decision.stsConditions[0] !== undefined ? { reasonRef: decision.stsConditions[0] } : {}),
  };
  const suggestions: Suggestion[] = [];
  if (withSuggestions) {
    const uuid = randomUUID();
    suggestions.push({
      label: `Draft orders: ${orderWords(id)}`,
      uuid,
      isRecommended: node.isRecommended,
      actions: createActions(id, uuid, res),
    });
  }
  const url = docUrl(ctx, id);
  const links = evidenceLinks(text.evidence, decision.facts);
  return {
    uuid: randomUUID(),
    summary: nodeSummary(node, decision.facts),
    detail,
    indicator: node.indicator,
    source: { label: SOURCE_LABEL, ...(url !== undefined ? { url } : {}), topic: topicOf(id) },
    ...(suggestions.length > 0 ? { suggestions, selectionBehavior: 'at-most-one' as const } : {}),
    ...(links.length > 0 ? { links } : {}),
    extension: factsExtension(decision.facts),
  };
}

/** The patient-view cards of a decision: none without an STS Condition, else one per node (§1, §3). */
export function buildPathwayCards(decision: PathwayDecision, ctx: CardContext): Card[] {
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
