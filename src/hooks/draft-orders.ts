/**
 * The draft orders of an order-select / order-sign request (https://cds-hooks.org/hooks/order-select/,
 * https://cds-hooks.org/hooks/order-sign/): `context.draftOrders` (a Bundle) and `context.selections`, narrowed to the
 * draft MedicationRequests whose medication is a §6 drug (PATHWAY.md §5 "draft set").
 */
import type { CodeableConcept, FhirResource, Medication, MedicationRequest } from 'fhir/r4.js';
import { CdsError, badRequest, truncate } from '../errors.js';
import { DRUGS, matchDrug, type ConceptInput } from '../pathway/index.js';
import type { DraftInfo } from '../cards/index.js';
import type { DoseInput, DraftInput } from '../cql/orders.js';
import { listedReads } from '../cql/pathway-reads.js';
import type { ShapeGuard } from '../cql/shape-guard.js';
import type { CdsRequest } from '../shared/cds-hooks.js';
import { isRecord } from '../shared/guards.js';
import { FHIR_ID } from '../shared/fhir-id.js';

/** The draft set of one request. */
export interface DraftOrders {
  /** Every draft MedicationRequest of `draftOrders` (recognised or not), in Bundle order. */
  readonly requests: readonly MedicationRequest[];
  /** Each draft's id and medication concept, as the order evaluation takes them (all drafts: none is an exposure). */
  readonly inputs: readonly DraftInput[];
  /** Draft MedicationRequests naming a §6 drug that is not supportive: the ones that can get a card. */
  readonly drafts: readonly DraftInfo[];
  /** order-select: ids of the MedicationRequests named in `context.selections`; order-sign: every draft id. */
  readonly selected: readonly string[];
}

const isResource = (v: unknown): v is FhirResource => isRecord(v) && typeof v.resourceType === 'string';

const isConcept = (v: unknown): v is CodeableConcept =>
  isRecord(v) &&
  (v.coding === undefined || (Array.isArray(v.coding) && v.coding.every(isRecord))) &&
  (v.text === undefined || typeof v.text === 'string');

const fail = (msg: string, path: string): never => {
  throw new CdsError(badRequest(msg, [path]));
};

/** One resource of draftOrders and the index of its entry (for error paths). */
interface DraftEntry {
  readonly resource: FhirResource;
  readonly entry: number;
}

/** The resources of `context.draftOrders`, or a 400 when it is not a Bundle. */
function draftEntries(context: Readonly<Record<string, unknown>>): DraftEntry[] {
  const bundle = context.draftOrders;
  if (!isRecord(bundle) || bundle.resourceType !== 'Bundle') {
    return fail('`context.draftOrders` must be a FHIR Bundle', 'context.draftOrders');
  }
  if (bundle.entry === undefined) return [];
  if (!Array.isArray(bundle.entry))
    return fail('`context.draftOrders.entry` must be an array', 'context.draftOrders.entry');
  return bundle.entry.flatMap((e: unknown, entry) =>
    isRecord(e) && isResource(e.resource) ? [{ resource: e.resource, entry }] : [],
  );
}

/**
 * What the order logic reads of a draft MedicationRequest (this module and src/pathway/drugs.ts `matchDrug`): its id,
 * status and medication (inline, or a contained or referenced Medication's code). Nothing else of a draft reaches the
 * pathway (the CQL gets each draft's id and drug), so nothing else of it can be wrong for it.
 */
export const DRAFT_READS = listedReads({
  MedicationRequest: ['id', 'status', 'medication', 'contained'],
  Medication: ['id', 'code'],
  CodeableConcept: ['coding', 'text'],
  Coding: ['system', 'code', 'display'],
  Reference: ['reference', 'display'],
});

/**
 * 400 naming the first field the order logic reads (DRAFT_READS) of a draft MedicationRequest (of any status: a
 * malformed `status` hides whether it is a draft) that does not fit the FHIR model: an order the service cannot read
 * is the EHR's error to fix. Fields it does not read (`category` as one object, as the CDS Hooks sandbox sends it;
 * `reasonCode`, `dosageInstruction`, extensions) are the EHR's business, never a 400.
 */
function checkDraftShapes(entries: readonly DraftEntry[], engineGuard: ShapeGuard): void {
  const guard = engineGuard.forReads(DRAFT_READS);
  for (const { resource, entry } of entries) {
    if (resource.resourceType !== 'MedicationRequest') continue;
    const problem = guard.check(resource);
    if (problem !== undefined) {
      fail(
        `Draft MedicationRequest in entry ${entry} of \`context.draftOrders\`: ${problem.message}`,
        `context.draftOrders.entry[${entry}].resource.${problem.field}`,
      );
    }
  }
}

/** The contained ('#id') or referenced Medication a reference names, among `contained` and the request's resources. */
function referencedMedication(
  ref: unknown,
  contained: unknown,
  others: readonly FhirResource[],
): Medication | undefined {
  if (typeof ref !== 'string') return undefined;
  if (ref.startsWith('#')) {
    return (Array.isArray(contained) ? contained : []).find(
      (r: unknown): r is Medication => isResource(r) && r.resourceType === 'Medication' && r.id === ref.slice(1),
    );
  }
  const id = ref.split('/').pop();
  return others.find((r): r is Medication => r.resourceType === 'Medication' && r.id === id);
}

/** The medication concept of a request: inline, or the `code` of a contained or referenced Medication. */
export function medicationConcept(mr: MedicationRequest, others: readonly FhirResource[]): ConceptInput | undefined {
  if (isConcept(mr.medicationCodeableConcept)) return mr.medicationCodeableConcept;
  const med = referencedMedication(mr.medicationReference?.reference, mr.contained, others);
  const code = med?.code;
  if (isConcept(code)) return code;
  // A reference's display often names the drug when no Medication is sent.
  const display = mr.medicationReference?.display;
  return typeof display === 'string' ? { text: display } : undefined;
}

/**
 * F7 items 3 and 8: the dose a draft records, `dosageInstruction[0].doseAndRate[0]` `doseQuantity` (a `doseRange`
 * counts its `high`), with its UCUM `code`, else its `unit`; undefined when it records none. Read leniently: a dose
 * the service cannot read is "not convertible" on the card, never a 400 that would cost the order its safety cards.
 */
export function draftDose(mr: MedicationRequest): DoseInput | undefined {
  const dosage: unknown = Array.isArray(mr.dosageInstruction) ? mr.dosageInstruction[0] : undefined;
  const rates: unknown = isRecord(dosage) ? dosage.doseAndRate : undefined;
  const rate: unknown = Array.isArray(rates) ? rates[0] : undefined;
  if (!isRecord(rate)) return undefined;
  const q: unknown = rate.doseQuantity ?? (isRecord(rate.doseRange) ? rate.doseRange.high : undefined);
  if (!isRecord(q) || typeof q.value !== 'number' || !Number.isFinite(q.value)) return undefined;
  const unit = typeof q.code === 'string' ? q.code : typeof q.unit === 'string' ? q.unit : null;
  return { value: q.value, unit };
}

/**
 * §5 S-IFOS-MESNA: whether the request's own Medication is an admixture with mesna (`Medication.ingredient`, coded or
 * referenced), or its medication names mesna beside the drug (e.g. "ifosfamide / mesna").
 */
export function includesMesna(mr: MedicationRequest, others: readonly FhirResource[]): boolean {
  const concept = medicationConcept(mr, others);
  const texts = [concept?.text, ...(concept?.coding ?? []).map((c) => c.display)].filter(
    (t): t is string => typeof t === 'string',
  );
  if (texts.some((t) => matchDrug({ text: t.replace(/ifosfamide/giu, ' ') })?.drug === 'mesna')) return true;
  const med = referencedMedication(mr.medicationReference?.reference, mr.contained, others);
  const ingredients: unknown = med?.ingredient;
  return (Array.isArray(ingredients) ? ingredients : []).some((i: unknown) => {
    if (!isRecord(i)) return false;
    const item = isConcept(i.itemCodeableConcept)
      ? i.itemCodeableConcept
      : isRecord(i.itemReference)
        ? referencedMedication(i.itemReference.reference, mr.contained, others)?.code
        : undefined;
    return isConcept(item) && matchDrug(item)?.drug === 'mesna';
  });
}

/** order-select: the draft orders are in draft status (https://cds-hooks.org/hooks/order-select/). */
const DRAFT_STATUSES: ReadonlySet<string> = new Set(['draft']);
/**
 * order-sign: also the orders being re-signed after a revision, which "would typically have a status other than
 * 'draft'" (https://cds-hooks.org/hooks/order-sign/): an active or on-hold order signed again is judged as a draft
 * (PATHWAY.md §5 is silent; the safer reading: ignoring it would drop its safety cards).
 */
const RESIGN_STATUSES: ReadonlySet<string> = new Set(['draft', 'active', 'on-hold']);

/**
 * Parses the draft orders of a request; 400 when draftOrders is not a Bundle, a draft MedicationRequest does not fit
 * the engine's FHIR model (`shapeGuard`, the engine's: `engine.shapeGuard`) or a selection is not among them.
 */
export function parseDraftOrders(request: CdsRequest, shapeGuard: ShapeGuard): DraftOrders {
  const entries = draftEntries(request.context);
  checkDraftShapes(entries, shapeGuard);
  const resources = entries.map((e) => e.resource);
  const requests: MedicationRequest[] = [];
  const statuses = request.hook === 'order-sign' ? RESIGN_STATUSES : DRAFT_STATUSES;
  entries.forEach(({ resource: r, entry }) => {
    if (r.resourceType !== 'MedicationRequest' || !statuses.has(r.status)) return;
    if (typeof r.id !== 'string' || !FHIR_ID.test(r.id)) {
      fail(
        `Draft MedicationRequest in entry ${entry} of \`context.draftOrders\` needs an id, to be named by cards and suggestions`,
        `context.draftOrders.entry[${entry}].resource.id`,
      );
    }
    requests.push(r);
  });
  // §5 S-IFOS-MESNA reads the draft set before supportive drugs are removed.
  const mesnaDrafted = requests.some((mr) => matchDrug(medicationConcept(mr, resources))?.drug === 'mesna');
  const inputs: DraftInput[] = requests.flatMap((mr) =>
    mr.id !== undefined
      ? [
          {
            id: mr.id,
            medication: medicationConcept(mr, resources),
            mesna: mesnaDrafted || includesMesna(mr, resources),
            dose: draftDose(mr) ?? null,
          },
        ]
      : [],
  );
  const drafts: DraftInfo[] = inputs.flatMap((d) => {
    const match = matchDrug(d.medication);
    if (!match || DRUGS[match.drug].supportive) return [];
    return [{ id: d.id, drug: match.drug, liposomal: match.liposomal }];
  });
  const selected =
    request.hook === 'order-select' ? parseSelections(request.context, resources) : requests.flatMap((r) => r.id ?? []);
  return { requests, inputs, drafts, selected };
}

/** order-select `context.selections`: each "Type/id" must be a resource of draftOrders; MedicationRequest ids returned. */
function parseSelections(context: Readonly<Record<string, unknown>>, resources: readonly FhirResource[]): string[] {
  const selections = context.selections;
  if (!Array.isArray(selections)) return fail('`context.selections` must be an array', 'context.selections');
  const ids: string[] = [];
  selections.forEach((s: unknown, i) => {
    const at = `context.selections[${i}]`;
    if (typeof s !== 'string') return fail(`${at} must be a string "Type/id"`, at);
    const [type, id, ...rest] = s.split('/');
    const found = rest.length === 0 && resources.some((r) => r.resourceType === type && r.id === id);
    if (!found) fail(`${at} '${truncate(s, 80)}' is not a resource of context.draftOrders`, at);
    if (type === 'MedicationRequest' && id !== undefined) ids.push(id);
  });
  return ids;
}
