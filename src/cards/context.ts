/**
 * What every card builder needs besides the decision.
 */
import { NODES, type NodeId, type Thresholds } from '../pathway/index.js';

/** The per-request context of the card builders. */
export interface CardContext {
  /** "Patient/<id>": subject of every suggested resource. */
  readonly patientRef: string;
  /** The service clock. */
  readonly now: Date;
  /** Public base URL of this service (no trailing slash needed); card `source.url` points at its /pathway page. */
  readonly baseUrl?: string;
  /** The configured §9 thresholds that card texts state (the §9 defaults when absent). */
  readonly thresholds?: Thresholds;
}

/** Whether an id from the decision is a node id of src/pathway. */
export const isNodeId = (id: string): id is NodeId => Object.hasOwn(NODES, id);

/** `<baseUrl>/pathway#<id>`, the page documenting the node or rule; undefined without a base URL. */
export function docUrl(ctx: CardContext, id: string): string | undefined {
  if (ctx.baseUrl === undefined) return undefined;
  return `${ctx.baseUrl.replace(/\/+$/, '')}/pathway#${encodeURIComponent(id)}`;
}
