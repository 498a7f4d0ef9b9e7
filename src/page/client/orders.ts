/**
 * Draft orders held by the page as an EHR's order entry would: drafting a MedicationRequest, applying a suggestion's
 * actions (create, update, delete) locally, and listing the result.
 */
import type { FhirResource, MedicationRequest } from 'fhir/r4.js';
import type { Action } from '../../shared/cds-hooks.js';
import { el } from './dom.js';
import { isMedicationRequest, uuid } from './cds-client.js';
import type { PageData } from './page-data.js';

/** A draft MedicationRequest for a pathway drug key, or for a typed name (text only, as a free-text order). */
export function draftMedicationRequest(
  patientId: string,
  data: PageData,
  drugKey: string,
  typed: string,
): MedicationRequest | undefined {
  const drug = drugKey !== '' ? data.drugs[drugKey] : undefined;
  const text = drug?.name ?? typed.trim();
  if (text === '') return undefined;
  return {
    resourceType: 'MedicationRequest',
    id: `draft-${uuid()}`,
    status: 'draft',
    intent: 'order',
    subject: { reference: `Patient/${patientId}` },
    authoredOn: new Date().toISOString().slice(0, 10),
    medicationCodeableConcept: { ...(drug?.rxnorm ? { coding: [drug.rxnorm] } : {}), text },
  };
}

/** The resources after applying a suggestion's actions (created resources without an id get one). */
export function applyActions(drafts: readonly FhirResource[], actions: readonly Action[]): FhirResource[] {
  let out = [...drafts];
  const ref = (r: FhirResource): string => `${r.resourceType}/${r.id ?? ''}`;
  for (const a of actions) {
    if (a.type === 'delete') {
      const gone = new Set(a.resourceId !== undefined ? [a.resourceId] : []);
      out = out.filter((r) => !gone.has(ref(r)));
    } else if (a.type === 'create' && a.resource) {
      out.push({ ...a.resource, id: a.resource.id ?? `draft-${uuid()}` });
    } else if (a.type === 'update' && a.resource) {
      const updated = a.resource;
      out = out.map((r) => (ref(r) === ref(updated) ? updated : r));
    }
  }
  return out;
}

/** The draft set as `context.draftOrders`. */
export const draftOrdersBundle = (drafts: readonly FhirResource[]): Record<string, unknown> => ({
  resourceType: 'Bundle',
  type: 'collection',
  entry: drafts.map((resource) => ({ resource })),
});

function describe(r: FhirResource): string {
  if (isMedicationRequest(r)) {
    const med = r.medicationCodeableConcept;
    const name = med?.text ?? med?.coding?.[0]?.display ?? 'medication';
    const dose = r.dosageInstruction?.[0]?.text;
    return `MedicationRequest ${name} (${r.status}, ${r.intent})${dose ? `: ${dose}` : ''}`;
  }
  if (r.resourceType === 'ServiceRequest')
    return `ServiceRequest ${r.code?.text ?? r.code?.coding?.[0]?.display ?? ''} (${r.status})`;
  return r.resourceType;
}

/** Lists the drafts (`data-draft-text` carries the medication text for tests and assistive tools). */
export function renderDrafts(into: HTMLElement, drafts: readonly FhirResource[]): void {
  into.replaceChildren(
    ...(drafts.length > 0
      ? drafts.map((r) =>
          el(
            'li',
            {
              'data-draft-id': r.id,
              'data-draft-text': isMedicationRequest(r) ? r.medicationCodeableConcept?.text : undefined,
            },
            describe(r),
          ),
        )
      : [el('li', { class: 'empty' }, 'No draft orders.')]),
  );
}
