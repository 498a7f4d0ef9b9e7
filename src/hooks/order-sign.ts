/**
 * order-sign (https://cds-hooks.org/hooks/order-sign/): every drafted anticancer drug checked against the pathway and
 * its safety rules (PATHWAY.md §5). Also the shared order-time evaluation of order-select.
 */
import { buildOrderCards, wordOrderDecision } from '../cards/index.js';
import { evaluateOrders } from '../cql/orders.js';
import { parseDraftOrders, type DraftOrders } from './draft-orders.js';
import type { HookDeps } from './registry.js';
import type { CdsRequest, CdsResponse } from '../shared/cds-hooks.js';
import type { PatientData } from '../fhir/types.js';

/** Order-time cards for a parsed draft set; only cards about `orders.selected` drafts are returned. */
export async function orderTimeResponse(
  request: CdsRequest,
  data: PatientData,
  deps: HookDeps,
  orders: DraftOrders,
): Promise<CdsResponse> {
  // Supportive drugs and drugs outside §6 give no card (§5): nothing to evaluate when no selected draft is a §6 drug.
  const recognised = new Set(orders.drafts.map((d) => d.id));
  if (!orders.selected.some((id) => recognised.has(id))) return { cards: [] };
  const decision = wordOrderDecision(
    await evaluateOrders(deps.engine, data, orders.inputs, {
      now: deps.now,
      thresholds: deps.thresholds,
      timeZone: deps.timeZone,
      hook: request.hook === 'order-sign' ? 'order-sign' : 'order-select',
    }),
    deps.thresholds,
  );
  const selected = new Set(orders.selected);
  const about = { ...decision, cards: decision.cards.filter((c) => c.draftIds.some((id) => selected.has(id))) };
  const cards = buildOrderCards(about, {
    patientRef: `Patient/${String(request.context.patientId)}`,
    now: deps.now,
    drafts: orders.drafts,
    thresholds: { ...deps.thresholds },
    ...(deps.baseUrl !== undefined ? { baseUrl: deps.baseUrl } : {}),
  });
  if (deps.onOrderCards) {
    // buildOrderCards makes one card per decision card, in order.
    const drugOf = new Map(orders.drafts.map((d) => [d.id, d.drug]));
    deps.onOrderCards(
      cards.flatMap((card, i) => {
        const c = about.cards[i];
        return card.uuid !== undefined && c !== undefined
          ? [{ uuid: card.uuid, kind: c.kind, topic: c.topic, drugs: c.draftIds.flatMap((id) => drugOf.get(id) ?? []) }]
          : [];
      }),
    );
  }
  return { cards };
}

/** order-sign: every draft MedicationRequest of `context.draftOrders`. */
export async function orderSign(request: CdsRequest, data: PatientData, deps: HookDeps): Promise<CdsResponse> {
  return orderTimeResponse(request, data, deps, parseDraftOrders(request, deps.engine.shapeGuard));
}
