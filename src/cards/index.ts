/**
 * Pure card builders: PathwayDecision / OrderDecision (src/cql/decision.ts) to CDS Hooks 2.0 cards.
 */
export { type CardContext } from './context.js';
export { buildPathwayCards, buildNodeCard, nodeSummary } from './node-cards.js';
export {
  buildOrderCards,
  buildOrderCard,
  overrideCodings,
  type DraftInfo,
  type OrderCardContext,
} from './order-cards.js';
export { SUMMARY_MAX } from './text.js';
