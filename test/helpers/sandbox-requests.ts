/**
 * Request bodies in the shapes the public CDS Hooks sandbox (github.com/cds-hooks/sandbox) sends, as read in its
 * source: its Rx View (order-select) and Rx Sign (order-sign) build one draft MedicationRequest per screen with a fixed
 * id, `category` as ONE CodeableConcept (R4 has a list), the chosen "Treating" Condition's `code` as `reasonCode` (one
 * CodeableConcept, not a list), an RxNorm prescribable code (an SCD or SBD, not the ingredient) with its name as text,
 * dosage in `{pill}`; the draftOrders Bundle has no `type`; `context` carries patientId and userId next to the hook's
 * own keys; `prefetch` holds only the keys it could read from the FHIR server.
 */
import { randomUUID } from 'node:crypto';
import type { CodeableConcept, MedicationRequest } from 'fhir/r4.js';

/** The sandbox's fixed draft id (R4). */
export const SANDBOX_DRAFT_ID = 'request-123';
/** The sandbox's default user. */
export const SANDBOX_USER = 'Practitioner/COREPRACTITIONER1';

/** A prescribable of the sandbox's medication list (RxNorm CUI and name). */
export interface Prescribable {
  readonly code: string;
  readonly name: string;
}

/** Entries of the sandbox's list used by the tests: it lists oral drugs only. */
export const PRESCRIBABLES = {
  pazopanib: { code: '867508', name: 'pazopanib 400 MG Oral Tablet' },
  imatinib: { code: '404589', name: 'imatinib 400 MG Oral Tablet [Gleevec]' },
  sorafenib: { code: '597747', name: 'sorafenib 200 MG Oral Tablet' },
} as const satisfies Record<string, Prescribable>;

/** The draft the sandbox builds; `medication` undefined before one is chosen (or after a suggestion deleted it). */
export function sandboxDraft(
  patientId: string,
  medication: Prescribable | undefined,
  reasonCode?: CodeableConcept,
  id = SANDBOX_DRAFT_ID,
): MedicationRequest {
  const draft: Record<string, unknown> = {
    resourceType: 'MedicationRequest',
    id,
    status: 'draft',
    subject: { reference: `Patient/${patientId}` },
    authoredOn: '2026-11-23',
  };
  if (medication !== undefined) {
    Object.assign(draft, {
      dosageInstruction: [
        {
          timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } },
          doseAndRate: [{ doseQuantity: { value: 1, system: 'http://unitsofmeasure.org', code: '{pill}' } }],
        },
      ],
      dispenseRequest: {
        expectedSupplyDuration: { value: 30, unit: 'days', system: 'http://unitsofmeasure.org', code: 'd' },
      },
      intent: 'order',
      category: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/medicationrequest-category', code: 'community' }],
      },
      medicationCodeableConcept: {
        text: medication.name,
        coding: [
          { display: medication.name, system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: medication.code },
        ],
      },
    });
  }
  if (reasonCode !== undefined) draft.reasonCode = reasonCode;
  // The sandbox's shape on purpose (category and reasonCode are not R4 lists): typed as what the EHR claims it is.
  return draft as unknown as MedicationRequest;
}

/** A hook request as the sandbox sends it. */
export function sandboxRequest(
  hook: 'patient-view' | 'order-select' | 'order-sign',
  o: {
    patientId: string;
    fhirServer: string;
    drafts?: readonly MedicationRequest[];
    prefetch?: Record<string, unknown>;
  },
): Record<string, unknown> {
  const context: Record<string, unknown> = { patientId: o.patientId, userId: SANDBOX_USER };
  if (hook !== 'patient-view' && o.drafts !== undefined) {
    if (hook === 'order-select') context.selections = o.drafts.map((d) => `MedicationRequest/${d.id ?? ''}`);
    context.draftOrders = { resourceType: 'Bundle', entry: o.drafts.map((resource) => ({ resource })) };
  }
  return {
    hookInstance: randomUUID(),
    hook,
    fhirServer: o.fhirServer,
    context,
    ...(o.prefetch !== undefined && Object.keys(o.prefetch).length > 0 ? { prefetch: o.prefetch } : {}),
  };
}
