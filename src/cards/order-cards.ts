/**
 * Order-time cards (order-select, order-sign): PATHWAY.md §5 "Order-select / order-sign classification" and rule cards.
 */
import { randomUUID } from 'node:crypto';
import type { FactEntry, OrderCard, OrderDecision } from '../cql/decision.js';
import type { Action, Card, Coding, Suggestion } from '../hooks/types.js';
import { CdsError, internalError } from '../errors.js';
import {
  DRUGS,
  NODES,
  OVERRIDE_REASONS,
  RULES,
  SOURCE_LABEL,
  isRuleId,
  topicOf,
  type DrugKey,
  type EvidenceKey,
  type NodeId,
  type RuleId,
} from '../pathway/index.js';
import { docUrl, isNodeId, type CardContext } from './context.js';
import { basedOn, bullets, citations, factsExtension, paragraphs } from './detail.js';
import { evidenceLinks, textCitations } from './evidence.js';
import { createActions, isOrderable, orderWords, type ResourceContext } from './resources.js';
import { escapeMarkdown, fitPlain, fitSummary } from './text.js';

/** A draft MedicationRequest of the request, as the order cards name and delete it. */
export interface DraftInfo {
  /** MedicationRequest id in `context.draftOrders`. */
  readonly id: string;
  readonly drug: DrugKey;
  readonly liposomal: boolean;
}

/** The order-time card context: the request's recognised drafts. */
export interface OrderCardContext extends CardContext {
  readonly drafts: readonly DraftInfo[];
}

/** §5 override reasons as CDS Hooks codings. */
export const OVERRIDE_CODINGS: readonly Coding[] = OVERRIDE_REASONS.map((r) => ({
  system: r.system,
  code: r.code,
  ...(r.display !== undefined ? { display: r.display } : {}),
}));

/** The regimen whose drugs make the pathway order "gemcitabine + docetaxel first" (§5 step 6). */
const SECOND_LINE: NodeId = 'M-2L-GEM-DOCE';

const fail = (why: string): never => {
  throw new CdsError(internalError(), { cause: new Error(why) });
};

const nodeOf = (id: string): NodeId => (isNodeId(id) ? id : fail(`Order decision names unknown node '${id}'`));
const ruleOf = (id: string): RuleId => (isRuleId(id) ? id : fail(`Order decision names unknown rule '${id}'`));

/** "doxorubicin (liposomal) + ifosfamide" for the drafts a card is about. */
function draftNames(card: OrderCard, ctx: OrderCardContext): string {
  const names = card.draftIds.map((id) => {
    const d = ctx.drafts.find((x) => x.id === id);
    if (!d) return `MedicationRequest/${id}`;
    return `${DRUGS[d.drug].name}${d.liposomal ? ' (liposomal)' : ''}`;
  });
  return [...new Set(names)].join(' + ') || 'the drafted order';
}

const positionTitle = (card: OrderCard): string =>
  card.position !== undefined ? NODES[nodeOf(card.position)].title : 'not determined';

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

interface Rendered {
  readonly summary: string;
  readonly lines: readonly string[];
  readonly evidence: readonly EvidenceKey[];
}

/** Summary, opening lines and evidence of one order card, by kind. */
function render(card: OrderCard, ctx: OrderCardContext): Rendered {
  const drafts = draftNames(card, ctx);
  const alternatives = card.alternatives.map((a) => NODES[nodeOf(a)].title);
  const options =
    alternatives.length > 0
      ? `On-pathway options (each suggestion below replaces the draft): ${alternatives.join('; ')}.`
      : 'No on-pathway regimen can be suggested in its place.';
  switch (card.kind) {
    case 'on-pathway': {
      const node = nodeOf(card.topic);
      return {
        summary: fitPlain(`On the STS pathway: ${NODES[node].title}`),
        lines: [`**On the STS pathway: ${NODES[node].title}.** Drafted: ${drafts}.`],
        evidence: NODES[node].evidence,
      };
    }
    case 'next-step-early': {
      const node = nodeOf(card.topic);
      const current = card.position !== undefined ? NODES[nodeOf(card.position)].title : 'the current regimen';
      return {
        summary: fitSummary('Next step ordered while ', current, ' is ongoing: confirm progression or intolerance', ''),
        lines: [
          `**Next step ordered while ${current} is ongoing.** Drafted: ${drafts}, a drug of "${NODES[node].title}".`,
          'Confirm progression on, or intolerance of, the current regimen before signing: the service cannot read progression.',
        ],
        evidence: NODES[node].evidence,
      };
    }
    case 'later-line-early': {
      const node = nodeOf(card.topic);
      const first = orderWords(SECOND_LINE);
      return {
        summary: fitSummary('Ordered before ', first, ': ', NODES[node].title),
        lines: [
          `**${NODES[node].title}: ordered at line 2.** Drafted: ${drafts}.`,
          `The pathway order is ${first} first ("${NODES[SECOND_LINE].title}"); ${drafts} is a label indication after an anthracycline.`,
        ],
        evidence: NODES[node].evidence,
      };
    }
    case 'off-pathway':
      return {
        summary: fitSummary(`${NODES['OFF-PATHWAY'].title}: `, drafts, '', ''),
        lines: [
          `**${NODES['OFF-PATHWAY'].title}.** Drafted: ${drafts}.`,
          `Pathway position: ${positionTitle(card)}.`,
          options,
        ],
        evidence: [],
      };
    case 'position-unknown': {
      const text = `Pathway position: ${positionTitle(card)}; no on-pathway regimen to compare`;
      return { summary: fitSummary('Pathway position: ', positionTitle(card), '; no on-pathway regimen to compare', ''), lines: [`**${text}.** Drafted: ${drafts}.`], evidence: [] };
    }
    case 'rule': {
      const rule = RULES[ruleOf(card.topic)];
      return {
        summary: fitPlain(capitalize(rule.title)),
        lines: [
          `**${capitalize(rule.title)}** (pathway rule ${rule.id}, ${rule.kind}). Drafted: ${drafts}.`,
          `Rule: ${rule.text}.`,
          ...(rule.kind === 'blocking' ? [options] : []),
        ],
        evidence: rule.evidence,
      };
    }
  }
}

/** Suggestions replacing the drafts with each alternative node: delete the drafts, create the node's orders. */
function replacements(card: OrderCard, decision: OrderDecision, ctx: OrderCardContext): Suggestion[] {
  const res: ResourceContext = {
    patientRef: ctx.patientRef,
    now: ctx.now,
    ...(decision.stsConditions[0] !== undefined ? { reasonRef: decision.stsConditions[0] } : {}),
  };
  const resourceId = card.draftIds.map((id) => `MedicationRequest/${id}`);
  return card.alternatives
    .map(nodeOf)
    .filter(isOrderable)
    .map((node) => {
      const uuid = randomUUID();
      const remove: Action[] =
        resourceId.length > 0 ? [{ type: 'delete', description: `Remove the draft order (${draftNames(card, ctx)})`, resourceId }] : [];
      return {
        label: `Replace with ${NODES[node].title}`,
        uuid,
        actions: [...remove, ...createActions(node, uuid, res)],
      };
    });
}

/** The topic of an order card: a node, or a rule for rule cards. */
function topicIdOf(card: OrderCard): NodeId | RuleId {
  return card.kind === 'rule' ? ruleOf(card.topic) : nodeOf(card.topic);
}

/** The decision's notes that do not repeat what the card's opening lines already say (e.g. the step-6 sentence). */
function notesBeyond(lines: readonly string[], notes: readonly string[]): string[] {
  const said = lines.join(' ').toLowerCase();
  return notes.filter((n) => !said.includes(n.toLowerCase().replace(/\s*\(.*\)\s*$/, '')));
}

/** One order-time card. */
export function buildOrderCard(card: OrderCard, decision: OrderDecision, ctx: OrderCardContext): Card {
  const topic = topicIdOf(card);
  const rendered = render(card, ctx);
  const facts: readonly FactEntry[] = card.facts.length > 0 ? card.facts : decision.facts;
  const offersReplacements =
    card.kind === 'off-pathway' || (card.kind === 'rule' && isRuleId(topic) && RULES[topic].kind === 'blocking');
  const suggestions = offersReplacements ? replacements(card, decision, ctx) : [];
  const links = evidenceLinks(rendered.evidence, decision.facts);
  const url = docUrl(ctx, topic);
  const overridable = card.indicator === 'warning' || card.indicator === 'critical';
  return {
    uuid: randomUUID(),
    summary: rendered.summary,
    detail: paragraphs([
      rendered.lines.join('\n\n'),
      bullets(notesBeyond(rendered.lines, card.notes).map(escapeMarkdown)),
      citations(textCitations(rendered.evidence)),
      basedOn(facts),
    ]),
    indicator: card.indicator,
    source: { label: SOURCE_LABEL, ...(url !== undefined ? { url } : {}), topic: topicOf(topic) },
    ...(suggestions.length > 0 ? { suggestions, selectionBehavior: 'at-most-one' as const } : {}),
    ...(overridable ? { overrideReasons: OVERRIDE_CODINGS } : {}),
    ...(links.length > 0 ? { links } : {}),
    extension: factsExtension(facts),
  };
}

/** The order-time cards of a decision: none without an STS Condition. */
export function buildOrderCards(decision: OrderDecision, ctx: OrderCardContext): Card[] {
  if (!decision.hasSts) return [];
  return decision.cards.map((c) => buildOrderCard(c, decision, ctx));
}

