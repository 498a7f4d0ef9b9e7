/**
 * Pure card builders: PathwayDecision / OrderDecision (src/cql/decision.ts) in words (decision-words.ts), then to
 * CDS Hooks 2.0 cards. The only place card words are assembled (fixed phrases come from src/pathway/).
 */
export { type CardContext } from './context.js';
export { wordOrderDecision, wordPathwayDecision } from './decision-words.js';
export type { FactEntry, WordedDecision, WordedNode, WordedOrderCard, WordedOrderDecision } from './worded.js';
export { buildPathwayCards, buildNodeCard, nodeSummary } from './node-cards.js';
export {
  buildOrderCards,
  buildOrderCard,
  overrideCodings,
  type DraftInfo,
  type OrderCardContext,
} from './order-cards.js';
export { SUMMARY_MAX } from './text.js';
