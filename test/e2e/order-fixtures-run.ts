/**
 * Runs the demo patients' orders (demo/index.json `orders`) through the app over HTTP, as
 * `scripts/update-card-fixtures.ts` (writes cards/order-select/*.json and cards/order-sign/*.json) and
 * `order-fixtures.test.ts` (compares) both do: each order is one draft MedicationRequest per drug, sent as an order-select
 * request (every draft selected) and as an order-sign request, with the patient's full prefetch.
 */
import { fileURLToPath } from 'node:url';
import type { Express } from 'express';
import type { MedicationRequest } from 'fhir/r4.js';
import { SYSTEMS } from '../../src/pathway/index.js';
import { draftOf, postOrders } from './order-helpers.js';
import type { DemoOrderEntry, DemoPatientEntry } from './patient-view-fixtures-run.js';

/** The order hooks whose cards are kept as fixtures. */
export const ORDER_HOOKS = ['order-select', 'order-sign'] as const;
export type OrderHook = (typeof ORDER_HOOKS)[number];

/** Where the expected cards of one order hook live, one file per demo patient with orders. */
export const orderFixtureDir = (hook: OrderHook): string =>
  fileURLToPath(new URL(`../../cards/${hook}/`, import.meta.url));

/**
 * The draft MedicationRequests of one demo order: one per drug, id `draft-<drug>`, named by the drug, with the dose the
 * demo order gives for it (F7 item 8: `dosageInstruction[0].doseAndRate[0].doseQuantity`).
 */
export function demoDrafts(order: DemoOrderEntry, patientId: string): MedicationRequest[] {
  return order.drugs.map((drug) => {
    const dose = order.doses?.[drug];
    const mr = draftOf(drug, patientId);
    return dose === undefined
      ? mr
      : {
          ...mr,
          dosageInstruction: [
            {
              doseAndRate: [
                { doseQuantity: { value: dose.value, unit: dose.unit, system: SYSTEMS.ucum, code: dose.unit } },
              ],
            },
          ],
        };
  });
}

/** "doxorubicin 75 mg/m2 + ifosfamide": how a fixture names an order. */
export const orderLabel = (order: DemoOrderEntry): string =>
  order.drugs
    .map((d) =>
      order.doses?.[d] !== undefined ? `${d} ${order.doses[d]?.value ?? ''} ${order.doses[d]?.unit ?? ''}` : d,
    )
    .join(' + ');

/** The cards of one demo order under one hook: HTTP status and body. */
export async function postDemoOrder(
  app: Express,
  hook: OrderHook,
  p: DemoPatientEntry,
  order: DemoOrderEntry,
  prefetch: Record<string, unknown>,
): Promise<Awaited<ReturnType<typeof postOrders>>> {
  const drafts = demoDrafts(order, p.patientId);
  return postOrders(app, {
    patientId: p.patientId,
    drafts,
    prefetch,
    ...(hook === 'order-select' ? { selections: drafts.map((d) => `MedicationRequest/${d.id ?? ''}`) } : {}),
  });
}
