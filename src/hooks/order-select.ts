/**
 * order-select (https://cds-hooks.org/hooks/order-select/): is the selected anticancer drug on the pathway, and safe?
 * The selections are judged together with the other drafts of `context.draftOrders` (PATHWAY.md §5 "draft set").
 */
import { parseDraftOrders } from './draft-orders.js';
import { orderTimeResponse } from './order-sign.js';
import type { HookDeps } from './registry.js';
import type { CdsRequest, CdsResponse } from '../shared/cds-hooks.js';
import type { PatientData } from '../fhir/types.js';

/** order-select: cards about the selected draft MedicationRequests only. */
export async function orderSelect(request: CdsRequest, data: PatientData, deps: HookDeps): Promise<CdsResponse> {
  return orderTimeResponse(request, data, deps, parseDraftOrders(request, deps.engine.shapeGuard));
}
