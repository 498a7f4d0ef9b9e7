/**
 * The patient-view decision (PATHWAY.md §3 with the §5 patient-view effects): evaluates cql/StsPathway once per request
 * and narrows its node tuples into a `PathwayDecision`.
 */
import type { Thresholds } from '../config.js';
import type { PatientData } from '../fhir/types.js';
import { NODES, type NodeId } from '../pathway/nodes.js';
import type { DecidedNode, NodeRole, PathwayDecision } from './decision.js';
import type { CqlEngine } from './engine.js';
import { factsOf } from './data-facts.js';
import type { PlainValue } from './plain.js';
import { hoistContainedMedications } from './treatment.js';
import {
  ANTHRACYCLINE_FREE_OPENING,
  ANTHRACYCLINE_FREE_SUMMARY,
  doxoCumulativeStop,
  doxoLvefHold,
  laterLineSummary,
  LVEF_STOP_SUMMARY,
  maintenanceOpening,
  priorRegimenLine,
} from '../pathway/treatment-words.js';
import { diseaseStatusWords } from './disease-status.js';
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

/** The library parameters of one request: the §9 thresholds by their config names, the unreadable types, node drugs. */
export function pathwayParameters(data: PatientData, opts: PathwayOptions): Record<string, unknown> {
  const t = opts.thresholds;
  return {
    ...thresholdParameters(t),
    DraftOrderIds: [...(opts.draftOrderIds ?? [])],
    // Joined: the engine rejects a non-empty List<String> parameter value (see StsSafety).
    Unreadable: [...data.unreadable.keys()].join(','),
    Incomplete: [...(data.incomplete?.keys() ?? [])].join(','),
    'Node Drugs': Object.values(NODES).map((n) => ({ id: n.id, drugs: [...n.drugs] })),
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
  };
}

/** §3 step 7: the opening of the maintenance card, from the library's `Fact Maintenance` (absent when not output). */
function maintenanceWords(raw: Readonly<Record<string, PlainValue>>, t: Thresholds): string | undefined {
  const m = raw['Fact Maintenance'];
  if (!isPlainRecord(m) || typeof m.given !== 'number' || typeof m.since !== 'string') return undefined;
  return maintenanceOpening(m.given, m.since, t.maintenanceMaxCycles, t.maintenanceMaxDays);
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

/** §3 step 7: the summary and opening of a node's wording variant(s), filled from the facts and the §9 thresholds. */
export function variantWords(
  variants: readonly string[],
  raw: Readonly<Record<string, PlainValue>>,
  t: Thresholds,
): { summary?: string; opening?: string[] } {
  const cumulative = isPlainRecord(raw['Fact Cumulative']) ? raw['Fact Cumulative'] : undefined;
  const lvef = isPlainRecord(raw['Fact LVEF']) ? raw['Fact LVEF'] : undefined;
  const opening: string[] = [];
  let summary: string | undefined;
  for (const v of variants) {
    if (v === 'doxo-cumulative-stop') {
      opening.push(
        doxoCumulativeStop(typeof cumulative?.mgM2 === 'number' ? cumulative.mgM2 : 0, t.cumulativeDoxoCriticalMgM2),
      );
    } else if (v === 'doxo-lvef-hold') {
      opening.push(
        doxoLvefHold(
          typeof lvef?.value === 'number' ? lvef.value : 0,
          typeof lvef?.date === 'string' ? lvef.date : 'undated',
          t.lvefMinPercent,
        ),
      );
    } else if (v === 'anthracycline-free') {
      summary = ANTHRACYCLINE_FREE_SUMMARY;
      opening.push(ANTHRACYCLINE_FREE_OPENING);
    } else if (v === 'lvef-stop') summary = LVEF_STOP_SUMMARY;
  }
  return { ...(summary !== undefined ? { summary } : {}), ...(opening.length > 0 ? { opening } : {}) };
}

const regimenDrugs = (r: Readonly<Record<string, PlainValue>>): string => stringsOf(r.drugs).join(' + ');

/**
 * §3 "Later-line wording" from F5 (prior regimens) and F10 (the disease status since the start of the last prior
 * regimen): the fields of a later-line node, given its short name.
 */
export function laterLineWords(raw: Readonly<Record<string, PlainValue>>): (shortName: string) => Partial<DecidedNode> {
  const regimens = (Array.isArray(raw['Fact Prior Regimens']) ? raw['Fact Prior Regimens'] : []).filter(isPlainRecord);
  const lines = regimens.map((r, i) =>
    priorRegimenLine(
      i + 1,
      regimenDrugs(r),
      typeof r.dates === 'number' ? r.dates : 0,
      typeof r.first === 'string' ? r.first : 'undated',
      typeof r.last === 'string' ? r.last : 'undated',
    ),
  );
  const last = isPlainRecord(raw['Fact Prior Last Exposure']) ? raw['Fact Prior Last Exposure'] : undefined;
  // Undated prior exposures form no regimen (F5 runs need dates): with no dated one, the prior drugs are named.
  const priorDrugs = stringsOf(raw['Prior Drugs']).join(' + ');
  const prior =
    typeof last?.drug === 'string' && last.drug !== '' ? last.drug : priorDrugs !== '' ? priorDrugs : undefined;
  const lastGiven = typeof last?.lastDate === 'string' ? last.lastDate : undefined;
  const status = isPlainRecord(raw['Later Line Status']) ? raw['Later Line Status'] : undefined;
  const reading = isPlainRecord(status?.reading) ? status.reading : undefined;
  const date = typeof reading?.date === 'string' ? reading.date : undefined;
  return (shortName) => {
    const named = prior ?? 'the prior regimen';
    const kind =
      date === undefined
        ? 'unknown'
        : status?.kind === 'progression'
          ? 'progression'
          : status?.kind === 'no-progression'
            ? 'no-progression'
            : 'unknown';
    const summary =
      kind === 'progression' && date !== undefined
        ? laterLineSummary.progression(date, named, shortName)
        : kind === 'no-progression' && date !== undefined
          ? laterLineSummary.noProgression(named, diseaseStatusWords(reading), date, shortName)
          : laterLineSummary.unknown(named, lastGiven, shortName);
    return {
      ...(prior !== undefined ? { priorRegimen: prior } : {}),
      priorRegimens: lines,
      laterLineSummary: summary,
      laterLineStatus: kind,
      ...(kind === 'progression' && date !== undefined ? { progressionRecorded: date } : {}),
    };
  };
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

/** The patient-view decision for the patient of `data`. */
export async function evaluatePathway(
  engine: CqlEngine,
  data: PatientData,
  opts: PathwayOptions,
): Promise<PathwayDecision> {
  const raw = await evaluateLibrary(engine, PATHWAY_LIBRARY, data, opts);
  const hasSts = raw['Has STS'] === true;
  const decision = raw.Decision;
  const nodes =
    hasSts && Array.isArray(decision)
      ? decision.map((v) => {
          const n = toDecidedNode(v);
          const variant = isPlainRecord(v) && typeof v.variant === 'string' ? v.variant.split(',') : [];
          return variant.length > 0 ? { ...n, ...variantWords(variant, raw, opts.thresholds) } : n;
        })
      : [];
  const laterLine = laterLineWords(raw);
  const currentProgression = isPlainRecord(raw['Progression Since Current Start'])
    ? raw['Progression Since Current Start']
    : undefined;
  const progressedOn = typeof currentProgression?.date === 'string' ? currentProgression.date : undefined;
  const maintenance = maintenanceWords(raw, opts.thresholds);
  return {
    hasSts,
    nodes: withMetastasectomy(
      nodes.map((n) => {
        // §3 "Later-line wording": line 2+ recommendation cards name the last prior regimen and list every prior regimen.
        if (n.role === 'later-line')
          return { ...n, ...laterLine(NODES[n.id as NodeId].shortName ?? NODES[n.id as NodeId].title) };
        // A next-step card does not say "no progression is recorded" when F10 finds one after the current start (§5 step 5).
        if (n.role === 'next' && progressedOn !== undefined) return { ...n, progressionRecorded: progressedOn };
        if (n.id === 'M-LMS-TRAB-MAINT' && n.role === 'current' && maintenance !== undefined) {
          return { ...n, opening: [maintenance, ...(n.opening ?? [])] };
        }
        return n;
      }),
    ),
    facts: hasSts ? factsOf(raw, data) : [],
    stsConditions: stringsOf(raw['STS Condition Keys']),
    patient: patientReference(data),
  };
}
