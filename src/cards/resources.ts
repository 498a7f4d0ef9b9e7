/**
 * The FHIR resources a suggestion creates (PATHWAY.md §1 "Suggested resources"): draft proposals only, never a
 * structured dose, never a code marked "(to verify)".
 */
import type { CodeableConcept, Coding, MedicationRequest, Reference, ServiceRequest } from 'fhir/r4.js';
import { DRUGS, NODES, SCHEDULE_TEXT, SYSTEMS, type CodeDef, type DrugKey, type NodeId } from '../pathway/index.js';
import type { Action } from '../hooks/types.js';

/** Who and why every created resource refers to. */
export interface ResourceContext {
  /** "Patient/<id>". */
  readonly patientRef: string;
  /** "Condition/<id>" of the first STS Condition, when known. */
  readonly reasonRef?: string;
  /** The service clock, as authoredOn of the proposals. */
  readonly now: Date;
}

/** A CodeDef as an emitted Coding, or nothing when PATHWAY.md marks it "(to verify)". */
export function emittedCoding(def: CodeDef | undefined): Coding | undefined {
  if (!def || def.toVerify === true) return undefined;
  return { system: def.system, code: def.code, ...(def.display !== undefined ? { display: def.display } : {}) };
}

const reason = (ctx: ResourceContext): { reasonReference?: Reference[] } =>
  ctx.reasonRef !== undefined ? { reasonReference: [{ reference: ctx.reasonRef }] } : {};

/** A draft MedicationRequest proposing one drug of a node, grouped with the rest of the regimen. */
export function medicationProposal(node: NodeId, drug: DrugKey, groupValue: string, ctx: ResourceContext): MedicationRequest {
  const def = DRUGS[drug];
  const coding = emittedCoding(def.rxnorm);
  const concept: CodeableConcept = { ...(coding ? { coding: [coding] } : {}), text: def.name };
  const schedule = SCHEDULE_TEXT[node]?.[drug];
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
  };
}

/** A draft ServiceRequest for a procedure node (§7.6 code, or the pathway code for M-TRIAL). */
export function serviceProposal(node: NodeId, ctx: ResourceContext): ServiceRequest | undefined {
  const service = NODES[node].service;
  if (!service) return undefined;
  const coding = emittedCoding(service.code);
  const text = service.text ?? service.code.display ?? NODES[node].title;
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

/** What a node's suggestion orders, in words: "doxorubicin + ifosfamide + mesna". */
export function orderWords(node: NodeId): string {
  const def = NODES[node];
  const service = def.service ? [def.service.text ?? def.service.code.display ?? def.title] : [];
  return [...def.drugs.map((d) => DRUGS[d].name), ...service].join(' + ');
}

/** The `create` actions of a node's suggestion: one MedicationRequest per drug, then its ServiceRequest if any. */
export function createActions(node: NodeId, suggestionUuid: string, ctx: ResourceContext): Action[] {
  const group = `${node}/${suggestionUuid}`;
  const meds: Action[] = NODES[node].drugs.map((drug) => ({
    type: 'create',
    description: `Create a draft order for ${DRUGS[drug].name}`,
    resource: medicationProposal(node, drug, group, ctx),
  }));
  const service = serviceProposal(node, ctx);
  const services: Action[] = service
    ? [{ type: 'create', description: `Create a draft request: ${service.code?.text ?? NODES[node].title}`, resource: service }]
    : [];
  return [...meds, ...services];
}

/** Whether a node can carry a suggestion at all (drugs or a service to order). */
export function isOrderable(node: NodeId): boolean {
  return NODES[node].drugs.length > 0 || NODES[node].service !== undefined;
}
