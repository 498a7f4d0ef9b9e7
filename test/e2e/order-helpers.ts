/**
 * Order-time requests for the e2e tests: draft MedicationRequests of §6 drugs and order-select / order-sign bodies,
 * sent to the app over HTTP with the patient's full prefetch.
 */
import type { Express } from 'express';
import type { MedicationRequest } from 'fhir/r4.js';
import request from 'supertest';
import type { CdsResponse } from '../../src/shared/cds-hooks.js';
import { DRUGS, type DrugKey } from '../../src/pathway/index.js';

/** A draft MedicationRequest for `drug`, named by its ingredient (as an EHR's order entry would send it). */
export function draftOf(drug: DrugKey, patientId: string, id = `draft-${drug}`): MedicationRequest {
  return {
    resourceType: 'MedicationRequest',
    id,
    status: 'draft',
    intent: 'order',
    subject: { reference: `Patient/${patientId}` },
    medicationCodeableConcept: { text: DRUGS[drug].name },
  };
}

/** Sends an order hook request; `selections` makes it order-select. */
export async function postOrders(
  app: Express,
  o: { patientId: string; drafts: MedicationRequest[]; prefetch: Record<string, unknown>; selections?: string[] },
): Promise<{ status: number; body: CdsResponse }> {
  const hook = o.selections ? 'order-select' : 'order-sign';
  const res = await request(app)
    .post(`/cds-services/sts-pathway-${hook}`)
    .set('content-type', 'application/json')
    .send({
      hook,
      hookInstance: '0b6c7e4a-2f7d-4d36-9a1c-1f0c6f3b8e21',
      context: {
        userId: 'Practitioner/demo',
        patientId: o.patientId,
        draftOrders: { resourceType: 'Bundle', type: 'collection', entry: o.drafts.map((resource) => ({ resource })) },
        ...(o.selections ? { selections: o.selections } : {}),
      },
      prefetch: o.prefetch,
    });
  return { status: res.status, body: res.body as CdsResponse };
}

/** The topic codes of a response's cards. */
export const topics = (body: CdsResponse): string[] => body.cards.map((c) => c.source.topic?.code ?? '');
