/**
 * The patient-view decision (PATHWAY.md §3 with the §5 patient-view effects): evaluates cql/StsPathway once per request
 * and narrows its node tuples into a `PathwayDecision`.
 */
import type { Thresholds } from '../pathway/thresholds.js';
import type { PatientData } from '../fhir/types.js';
import { NODES, type NodeId } from '../pathway/nodes.js';
import type { DataQuality, DecidedNode, NodeRole, NodeVariant, PathwayDecision } from './decision.js';
import type { CqlEngine } from './engine.js';
import { toPatientFacts } from './patient-facts.js';
import type { PlainValue } from './plain.js';
import { hoistContainedMedications } from './contained-medications.js';
import { thresholdParameters } from './parameters.js';

/** Name of the patient-view library (cql/StsPathway.cql). */
export const PATHWAY_LIBRARY = 'StsPathway';

/** Options of one evaluation. */
export interface PathwayOptions {
  readonly now: Date;
  readonly thresholds: Thresholds;
  /** IANA time zone of "now" (the engine is built with it; kept for the callers' symmetry). */
  readonly timeZone: string;
  /** Ids of the current request's draft orders (never exposures, F5). */
  readonly draftOrderIds?: readonly string[];
}

const ROLES: ReadonlySet<string> = new Set<NodeRole>([
  'primary',
  'alternative',
  'current',
  'next',
  'later-line',
  'data',
  'trial',
]);

type PlainRecord = { readonly [key: string]: PlainValue };

/** Narrows a plain value to a record. */
export function isPlainRecord(v: PlainValue | undefined): v is PlainRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Strings of a plain list (other items dropped). */
export function stringsOf(v: PlainValue | undefined): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function isNodeId(id: string): id is NodeId {
  return Object.hasOwn(NODES, id);
}

function isRole(role: string): role is NodeRole {
  return ROLES.has(role);
}

const VARIANTS: ReadonlySet<string> = new Set<NodeVariant>([
  'doxo-cumulative-stop',
  'doxo-lvef-hold',
  'anthracycline-free',
  'lvef-stop',
]);

function isVariant(v: string): v is NodeVariant {
  return VARIANTS.has(v);
}

// The same for every request: built once (nothing changes a parameter value).
const NODE_DRUGS = Object.values(NODES).map((n) => ({ id: n.id, drugs: [...n.drugs] }));
// The thresholds' parameters per frozen Thresholds object (the config's: the same object on every request).
const thresholdValues = new WeakMap<Thresholds, Record<string, number | boolean>>();

/** The library parameters of one request: the §9 thresholds by their config names, the unreadable types, node drugs. */
export function pathwayParameters(data: PatientData, opts: PathwayOptions): Record<string, unknown> {
  const t = opts.thresholds;
  let thresholds = thresholdValues.get(t);
  if (thresholds === undefined) {
    thresholds = thresholdParameters(t);
    if (Object.isFrozen(t)) thresholdValues.set(t, thresholds);
  }
  return {
    ...thresholds,
    DraftOrderIds: [...(opts.draftOrderIds ?? [])],
    // Joined: the engine rejects a non-empty List<String> parameter value (see StsSafety).
    Unreadable: [...data.unreadable.keys()].join(','),
    Incomplete: [...(data.incomplete?.keys() ?? [])].join(','),
    'Node Drugs': NODE_DRUGS,
  };
}

/** Narrows one node tuple of the `Decision` define; throws on a shape the library never produces. */
export function toDecidedNode(v: PlainValue): DecidedNode {
  if (
    !isPlainRecord(v) ||
    typeof v.id !== 'string' ||
    !isNodeId(v.id) ||
    typeof v.role !== 'string' ||
    !isRole(v.role)
  ) {
    throw new Error(`StsPathway produced an unexpected node: ${JSON.stringify(v)}`);
  }
  const node = NODES[v.id];
  const related = typeof v.related === 'string' && isNodeId(v.related) ? NODES[v.related].title : undefined;
  return {
    id: v.id,
    role: v.role,
    withSuggestions: v.withSuggestions === true,
    // §5 effects raise a node to warning; a node that is a warning stays one.
    indicator: v.warning === true && node.indicator === 'info' ? 'warning' : node.indicator,
    isRecommended: v.isRecommended === true,
    ...(related !== undefined ? { relatedTitle: related, relatedId: v.related as string } : {}),
    notes: stringsOf(v.notes),
    rules: stringsOf(v.rules),
    // The library joins a node's variants with commas (StsDecision "Varied").
    variants: typeof v.variant === 'string' ? v.variant.split(',').filter(isVariant) : [],
  };
}

/** Evaluates the library once; shared by the patient-view and order-time paths. */
export async function evaluateLibrary(
  engine: CqlEngine,
  library: string,
  data: PatientData,
  opts: PathwayOptions,
  extra: Readonly<Record<string, unknown>> = {},
): Promise<Record<string, PlainValue>> {
  return engine.evaluate(library, hoistContainedMedications(data.bundle), {
    now: opts.now,
    parameters: { ...pathwayParameters(data, opts), ...extra },
  });
}

/** Reference of the patient of a Bundle ("Patient/id"), else "Patient/unknown". */
export function patientReference(data: PatientData): string {
  const p = data.bundle.entry?.find((e) => e.resource?.resourceType === 'Patient')?.resource;
  return `Patient/${p?.id ?? 'unknown'}`;
}

/**
 * §3 step 7 "always": the card of the item that gave the metastatic recommendation (the current card when there is
 * one) adds the metastasectomy sentence: the current or CURRENT-OFF-PATHWAY card, else the first recommendation
 * (primary or later-line), else the anthracycline-free option, else the trial card (no other option is left).
 * M-TRIAL is output at every metastatic position and only there.
 */
export function withMetastasectomy(nodes: readonly DecidedNode[]): DecidedNode[] {
  if (!nodes.some((n) => n.id === 'M-TRIAL')) return [...nodes];
  const find = (test: (n: DecidedNode) => boolean): number => nodes.findIndex(test);
  const candidates = [
    find((n) => n.role === 'current' || n.id === 'CURRENT-OFF-PATHWAY'),
    find((n) => n.role === 'primary' || n.role === 'later-line'),
    find((n) => n.id === 'M-2L-GEM-DOCE' && n.role === 'alternative'),
    find((n) => n.id === 'M-TRIAL'),
  ];
  const target = candidates.find((i) => i >= 0) ?? -1;
  return nodes.map((n, i) => (i === target ? { ...n, metastasectomy: true } : n));
}

/** What of the record the cards must say could not be used as it came (PATHWAY.md §2). */
export function dataQuality(data: PatientData): DataQuality {
  return {
    unreadable: data.unreadable,
    incomplete: data.incomplete ?? new Map(),
    notices: data.notices ?? { warnings: [], leftOut: [] },
  };
}

/** The patient-view decision for the patient of `data`. */
export async function evaluatePathway(
  engine: CqlEngine,
  data: PatientData,
  opts: PathwayOptions,
): Promise<PathwayDecision> {
  const raw = await evaluateLibrary(engine, PATHWAY_LIBRARY, data, opts);
  const hasSts = raw['Has STS'] === true;
  const decision = raw.Decision;
  const nodes = hasSts && Array.isArray(decision) ? decision.map(toDecidedNode) : [];
  const facts = toPatientFacts(raw);
  return {
    hasSts,
    nodes: withMetastasectomy(nodes),
    facts,
    quality: dataQuality(data),
    stsConditions: stringsOf(raw['STS Condition Keys']),
    patient: patientReference(data),
  };
}
