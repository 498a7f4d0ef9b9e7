/**
 * The FHIR resources a suggestion creates (PATHWAY.md §1 "Suggested resources"): draft proposals only, never a
 * structured dose, never a code marked "(to verify)".
 */
import type { CodeableConcept, Coding, MedicationRequest, Reference, ServiceRequest } from 'fhir/r4.js';
import {
  DRUGS,
  NODES,
  SYSTEMS,
  nodeTitle,
  scheduleText,
  type CodeDef,
  type DrugKey,
  type NodeId,
  type Thresholds,
} from '../pathway/index.js';
import type { Action } from '../shared/cds-hooks.js';

/** Who and why every created resource refers to. */
export interface ResourceContext {
  /** "Patient/<id>". */
  readonly patientRef: string;
  /** "Condition/<id>" of the first STS Condition, when known. */
  readonly reasonRef?: string;
  /** The service clock, as authoredOn of the proposals. */
  readonly now: Date;
  /** F4 site (EXTREMITY, ...): chooses the §4.1 ServiceRequest text where it is given per site. */
  readonly site?: string;
  /** The configured §9 thresholds that schedule texts state (the §9 defaults when absent). */
  readonly thresholds?: Thresholds;
}

/** §1 / issue 16: a drug with no verified RxNorm code is suggested by name, and the order says so. */
export const NO_VERIFIED_CODE = 'No verified RxNorm ingredient code: choose the product in the order entry.';

/** A CodeDef as an emitted Coding, or nothing when PATHWAY.md marks it "(to verify)". */
export function emittedCoding(def: CodeDef | undefined): Coding | undefined {
  if (!def || def.toVerify === true) return undefined;
  return { system: def.system, code: def.code, ...(def.display !== undefined ? { display: def.display } : {}) };
}

const reason = (ctx: ResourceContext): { reasonReference?: Reference[] } =>
  ctx.reasonRef !== undefined ? { reasonReference: [{ reference: ctx.reasonRef }] } : {};

/** A draft MedicationRequest proposing one drug of a node, grouped with the rest of the regimen. */
export function medicationProposal(
  node: NodeId,
  drug: DrugKey,
  groupValue: string,
  ctx: ResourceContext,
): MedicationRequest {
  const def = DRUGS[drug];
  const coding = emittedCoding(def.rxnorm);
  const concept: CodeableConcept = { ...(coding ? { coding: [coding] } : {}), text: def.name };
  const schedule = scheduleText(node, drug, ctx.thresholds);
  return {
    resourceType: 'MedicationRequest',
    status: 'draft',
    intent: 'proposal',
    subject: { reference: ctx.patientRef },
    ...reason(ctx),
    authoredOn: ctx.now.toISOString(),
    medicationCodeableConcept: concept,
    groupIdentifier: { system: SYSTEMS.pathwayNode, value: groupValue },
    ...(schedule !== undefined ? { dosageInstruction: [{ text: schedule }] } : {}),
    ...(coding === undefined ? { note: [{ text: NO_VERIFIED_CODE }] } : {}),
  };
}

/** A draft ServiceRequest for a procedure node (§7.6 code, or the pathway code for M-TRIAL). */
export function serviceProposal(node: NodeId, ctx: ResourceContext): ServiceRequest | undefined {
  const service = NODES[node].service;
  if (!service) return undefined;
  const coding = emittedCoding(service.code);
  const text = serviceText(node, ctx.site);
  return {
    resourceType: 'ServiceRequest',
    status: 'draft',
    intent: 'proposal',
    code: { ...(coding ? { coding: [coding] } : {}), text },
    subject: { reference: ctx.patientRef },
    ...reason(ctx),
    authoredOn: ctx.now.toISOString(),
  };
}

/** The §4.1 text of a node's ServiceRequest (by site where §4.1 gives one per site). */
export function serviceText(node: NodeId, site?: string): string {
  const def = NODES[node];
  const bySite = def.service?.textBySite;
  const forSite = bySite !== undefined && site !== undefined ? bySite[site as keyof typeof bySite] : undefined;
  return forSite ?? def.service?.text ?? def.service?.code.display ?? def.title;
}

/** What a node's suggestion orders, in words: "doxorubicin + ifosfamide + mesna". */
export function orderWords(node: NodeId, site?: string): string {
  const def = NODES[node];
  const service = def.service ? [serviceText(node, site)] : [];
  return [...def.drugs.map((d) => DRUGS[d].name), ...service].join(' + ');
}

/** The `create` actions of a node's suggestion: one MedicationRequest per drug, then its ServiceRequest if any. */
export function createActions(node: NodeId, suggestionUuid: string, ctx: ResourceContext): Action[] {
  const group = `${node}/${suggestionUuid}`;
  const meds: Action[] = NODES[node].drugs.map((drug) => ({
    type: 'create',
    description: `Create a draft order for ${DRUGS[drug].name}${emittedCoding(DRUGS[drug].rxnorm) === undefined ? ' (no verified code: choose the product)' : ''}`,
    resource: medicationProposal(node, drug, group, ctx),
  }));
  const service = serviceProposal(node, ctx);
  const services: Action[] = service
    ? [
        {
          type: 'create',
          description: `Create a draft request: ${service.code?.text ?? nodeTitle(node, ctx.thresholds)}`,
          resource: service,
        },
      ]
    : [];
  return [...meds, ...services];
}

/** Whether a node can carry a suggestion at all (drugs or a service to order). */
export function isOrderable(node: NodeId): boolean {
  return NODES[node].drugs.length > 0 || NODES[node].service !== undefined;
}
