/**
 * The adherence classification of a drafted drug (PATHWAY.md §5 "Order-select / order-sign classification"), from
 * the order card that judged it: its topic (a src/pathway node or rule id) and the card kind.
 */
import type { OrderCardKind } from '../cql/decision.js';
import { RULES, isRuleId } from '../pathway/index.js';

export const CLASSIFICATIONS = ['on-pathway', 'off-pathway', 'unsafe', 'later-line-early', 'position-unknown'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

/** How the report and the adherence view name each classification. */
export const CLASSIFICATION_LABELS: Readonly<Record<Classification, string>> = {
  'on-pathway': 'On the pathway',
  'off-pathway': 'Off the pathway',
  unsafe: 'Unsafe (blocking rule)',
  'later-line-early': 'Later-line drug early',
  'position-unknown': 'Pathway position unknown',
};

/**
 * The classification a card gives its drafts; undefined for an advisory rule card, which sits beside the draft's
 * classification card (§5 "Advisory rules that hold add their own card"). A next step ordered early (§5 step 5) is a
 * drug of the pathway's next node: on the pathway, its card asks to confirm progression.
 */
export function classifyOrderCard(kind: OrderCardKind, topic: string): Classification | undefined {
  if (isRuleId(topic)) return RULES[topic].kind === 'blocking' ? 'unsafe' : undefined;
  switch (kind) {
    case 'on-pathway':
    case 'next-step-early':
      return 'on-pathway';
    case 'later-line-early':
      return 'later-line-early';
    case 'off-pathway':
      return 'off-pathway';
    default:
      // position-unknown, and any card that places no draft on or off the pathway (e.g. a pediatric card).
      return 'position-unknown';
  }
}

/** When one draft has several classification cards, the one reported (the least adherent first). */
export const CLASSIFICATION_PRECEDENCE: readonly Classification[] = [
  'unsafe',
  'off-pathway',
  'later-line-early',
  'position-unknown',
  'on-pathway',
];
