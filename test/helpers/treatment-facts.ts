/**
 * Typed treatment-history and safety-input facts (PATHWAY.md §2 F5, F6, F7; §9 thresholds) from the StsTreatment
 * library, for the library's own tests (test/integration/cql/StsTreatment.test.ts): evaluates it with the service's
 * engine and narrows its plain output into `TreatmentFacts`. The service reads these through StsPathway
 * (src/cql/patient-facts.ts).
 */
import type { Bundle } from 'fhir/r4.js';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../../src/pathway/thresholds.js';
import { CdsError, internalError } from '../../src/errors.js';
import { DRUG_KEYS, type DrugKey, type DrugRole } from '../../src/pathway/drugs.js';
import type { CqlEngine } from '../../src/cql/engine.js';
import { notCountedOf, type NotCountedReason } from '../../src/cql/patient-facts.js';
import type { PlainValue } from '../../src/cql/plain.js';
import { hoistContainedMedications } from '../../src/cql/contained-medications.js';
import { thresholdParameters } from '../../src/cql/parameters.js';

/** Name of the CQL library (cql/StsTreatment.cql). */
export const TREATMENT_LIBRARY = 'StsTreatment';

/** Resource types whose medication can be an exposure (F5). */
export type ExposureKind = 'MedicationAdministration' | 'MedicationStatement' | 'MedicationRequest';

/** One F5 exposure. Dates are whole days ("YYYY-MM-DD"): a partial date's first day in `date`, its last in `lastDate`. */
export interface Exposure {
  readonly drug: DrugKey;
  readonly role: DrugRole;
  readonly anthracycline: boolean;
  readonly liposomal: boolean;
  readonly kind: ExposureKind;
  /** "Type/id" of the resource. */
  readonly source: string;
  /** Status as counted: an `active` request authored before the current-regimen window reads `completed`. */
  readonly status: string;
  readonly date: string | null;
  readonly lastDate: string | null;
  /** Administration dose as recorded (value and UCUM code or unit). */
  readonly dose: { readonly value: number; readonly unit: string | null } | null;
  /** An active request authored within the current-regimen window, or an active statement with an open period. */
  readonly ongoing: boolean;
  /** An undated active statement or request: its drug is current, "date unknown: confirm it is still given" (F5). */
  readonly undatedCurrent: boolean;
}

/** F5 current regimen: drugs whose latest exposure is within the window, and the earliest start of their runs. */
export interface CurrentRegimen {
  readonly drugs: readonly DrugKey[];
  /** The earliest known run start; now when no drug has one (current only through undated exposures, F5). */
  readonly start: string;
  /** The latest dated exposure of each drug current through a dated run. */
  readonly lastDates: Readonly<Partial<Record<DrugKey, string>>>;
  /** Drugs current through an undated active statement or request. */
  readonly undated: readonly DrugKey[];
  /** Exposures of the runs ("Type/id"). */
  readonly sources: readonly string[];
}

/** F5 metastatic line from the prior exposures. */
export interface LineFact {
  readonly value: 1 | 2 | 3;
  /** Line 3+ reached by gemcitabine + docetaxel without any anthracycline (the card says so). */
  readonly anthracyclineFree: boolean;
  /** Trabectedin, pazopanib or eribulin already received. */
  readonly notReoffered: readonly DrugKey[];
  readonly sources: readonly string[];
}

/** §3 step 7 LMS maintenance conditions (a)-(d). */
export interface MaintenanceFact {
  readonly eligible: boolean;
  readonly combinationGiven: boolean;
  readonly phaseOver: boolean;
  readonly withinPeriod: boolean;
  readonly underCycleLimit: boolean;
  readonly noGemcitabineOrDocetaxel: boolean;
  readonly lastCombinationDate: string | null;
  /** First maintenance trabectedin date, else the last combination date: the 1-year period runs from it. */
  readonly anchorDate: string | null;
  readonly maintenanceDates: readonly string[];
  readonly sources: readonly string[];
}

/** A dated observation value. */
export interface Reading {
  readonly value: number;
  readonly date: string;
  readonly source: string;
}

/** F7 LVEF with its §9 evaluation. */
export interface LvefFact extends Reading {
  /** Below the LVEF threshold (counts whatever its age). */
  readonly low: boolean;
  /** Within the recency window and not before the latest anthracycline exposure. */
  readonly recent: boolean;
}

/** One dose event of the cumulative dose (F7 items 1 and 6). */
export interface DoseEvent {
  readonly source: string;
  readonly date: string | null;
  /** A stopped or in-progress administration, counted in full ("partial?"). */
  readonly partial: boolean;
  /** Dose in mg/m2, or null when not convertible (`reason`: no dose, a unit not convertible, no BSA). */
  readonly mgM2: number | null;
  /** The referenced request's mg/m2 dose stood in for the administration's ("(ordered dose)"). */
  readonly orderedDose: boolean;
  readonly reason: NotCountedReason | null;
  /** Above doxoSingleEventMaxMgM2, or above 200 mg with no BSA: "check dose" (F7 item 7). */
  readonly checkDose: boolean;
  /** Observations the BSA came from (a BSA, or the height and weight of Mosteller). */
  readonly bsaSources: readonly string[];
}

/** A resource left out of N, with its date and why (F7 item 5). */
export interface NotCounted {
  readonly source: string;
  readonly date: string | null;
  readonly reason: NotCountedReason | null;
}

/** Another anthracycline's own mg/m2 sum (F7 item 5): listed, never converted to doxorubicin. */
export interface OtherAnthracyclineSum {
  readonly drug: DrugKey;
  readonly mgM2: number;
  readonly atLeast: boolean;
  readonly sources: readonly string[];
}

/** How an order or statement of doxorubicin was read (F7 item 2). */
export type RecordStatus = 'linked' | 'explained' | 'pending' | 'unconfirmed';

/**
 * F7 cumulative doxorubicin, as recorded in this record. `confirmed` is N; `atLeast` says the total is a lower bound;
 * `possible` is P = N + one dose per unconfirmed order or statement (never an upper bound).
 */
export interface CumulativeDoxorubicin {
  readonly known: boolean;
  readonly atLeast: boolean;
  readonly confirmed: number;
  readonly possible: number;
  readonly unconfirmedCount: number;
  readonly historyIncomplete: boolean;
  /** N >= the §9 warning / critical threshold. */
  readonly reachedWarn: boolean;
  readonly reachedCritical: boolean;
  readonly otherAnthracyclines: readonly OtherAnthracyclineSum[];
  readonly events: readonly DoseEvent[];
  readonly notCounted: readonly NotCounted[];
  readonly records: readonly { readonly source: string; readonly date: string | null; readonly status: RecordStatus }[];
  /** Every doxorubicin event and other anthracycline exposure ("Type/id"). */
  readonly sources: readonly string[];
}

/** F5 anthracycline given for localized disease: true/false, or null when the setting cannot be dated. */
export interface AnthracyclineSetting {
  readonly value: boolean | null;
  readonly sources: readonly string[];
}

/** Everything StsTreatment computes for one patient. */
export interface TreatmentFacts {
  readonly exposures: readonly Exposure[];
  readonly currentRegimen: CurrentRegimen | null;
  readonly priorExposures: readonly Exposure[];
  readonly line: LineFact;
  readonly maintenance: MaintenanceFact;
  readonly ecog: Reading | null;
  readonly karnofsky: Reading | null;
  readonly lvef: LvefFact | null;
  readonly cumulativeDoxorubicin: CumulativeDoxorubicin;
  /** "N administered medications not recognized" (F5). */
  readonly unrecognizedCount: number;
  readonly unrecognizedSources: readonly string[];
  readonly anthracyclineBeforeMetastatic: AnthracyclineSetting;
}

/** Options of one evaluation. */
export interface TreatmentOptions {
  readonly now: Date;
  /** §9 thresholds (config.thresholds); the §9 defaults otherwise. */
  readonly thresholds?: Thresholds;
  /** Ids of the draft orders of the current request (never exposures). */
  readonly draftOrderIds?: readonly string[];
  /** Date of the earliest metastatic evidence (StsDiagnosis), "YYYY[-MM[-DD]]". */
  readonly earliestMetastaticDate?: string;
  /** Resource types whose search was truncated (§2 "incomplete"). */
  readonly incomplete?: readonly string[];
}

/** Evaluates StsTreatment for the patient of `bundle` and returns its typed facts. */
export async function evaluateTreatment(
  engine: CqlEngine,
  bundle: Bundle,
  opts: TreatmentOptions,
): Promise<TreatmentFacts> {
  const t = opts.thresholds ?? DEFAULT_THRESHOLDS;
  const parameters: Record<string, unknown> = {
    ...thresholdParameters(t),
    DraftOrderIds: [...(opts.draftOrderIds ?? [])],
    ...(opts.earliestMetastaticDate !== undefined ? { EarliestMetastaticDate: opts.earliestMetastaticDate } : {}),
    Incomplete: [...(opts.incomplete ?? [])].join(','),
  };
  const raw = await engine.evaluate(TREATMENT_LIBRARY, hoistContainedMedications(bundle), {
    now: opts.now,
    parameters,
  });
  try {
    return toTreatmentFacts(raw);
  } catch (err) {
    throw new CdsError(internalError(), { cause: err });
  }
}

/* ---------- Narrowing the engine's plain output ---------- */

type PlainRecord = { readonly [key: string]: PlainValue };

class ShapeError extends Error {
  constructor(path: string, expected: string) {
    super(`StsTreatment result ${path}: expected ${expected}`);
    this.name = 'ShapeError';
  }
}

function isRecord(v: PlainValue | undefined): v is PlainRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function record(v: PlainValue | undefined, path: string): PlainRecord {
  if (!isRecord(v)) throw new ShapeError(path, 'a tuple');
  return v;
}

function list(v: PlainValue | undefined, path: string): readonly PlainValue[] {
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) throw new ShapeError(path, 'a list');
  return v;
}

function str(v: PlainValue | undefined, path: string): string {
  if (typeof v !== 'string') throw new ShapeError(path, 'a string');
  return v;
}

function optStr(v: PlainValue | undefined, path: string): string | null {
  return v === null || v === undefined ? null : str(v, path);
}

function num(v: PlainValue | undefined, path: string): number {
  if (typeof v !== 'number') throw new ShapeError(path, 'a number');
  return v;
}

function optNum(v: PlainValue | undefined, path: string): number | null {
  return v === null || v === undefined ? null : num(v, path);
}

// A null Boolean is CQL's "unknown": every flag here is false unless shown true.
function bool(v: PlainValue | undefined): boolean {
  return v === true;
}

function strings(v: PlainValue | undefined, path: string): string[] {
  return list(v, path).map((x, i) => str(x, `${path}[${i}]`));
}

function isDrugKey(v: string): v is DrugKey {
  return (DRUG_KEYS as readonly string[]).includes(v);
}

function drugKey(v: PlainValue | undefined, path: string): DrugKey {
  const s = str(v, path);
  if (!isDrugKey(s)) throw new ShapeError(path, 'a drug key of src/pathway/drugs.ts');
  return s;
}

const ROLES: readonly DrugRole[] = ['pathway', 'supportive', 'anthracycline-only', 'never', 'non-pathway'];
const KINDS: readonly ExposureKind[] = ['MedicationAdministration', 'MedicationStatement', 'MedicationRequest'];

function oneOf<T extends string>(v: PlainValue | undefined, allowed: readonly T[], path: string): T {
  const s = str(v, path);
  const found = allowed.find((a) => a === s);
  if (found === undefined) throw new ShapeError(path, `one of ${allowed.join(', ')}`);
  return found;
}

function toExposure(v: PlainValue, path: string): Exposure {
  const r = record(v, path);
  const doseValue = optNum(r.doseValue, `${path}.doseValue`);
  return {
    drug: drugKey(r.drug, `${path}.drug`),
    role: oneOf(r.role, ROLES, `${path}.role`),
    anthracycline: bool(r.anthracycline),
    liposomal: bool(r.liposomal),
    kind: oneOf(r.kind, KINDS, `${path}.kind`),
    source: str(r.source, `${path}.source`),
    status: str(r.status, `${path}.status`),
    date: optStr(r.date, `${path}.date`),
    lastDate: optStr(r.lastDate, `${path}.lastDate`),
    dose: doseValue === null ? null : { value: doseValue, unit: optStr(r.doseUnit, `${path}.doseUnit`) },
    ongoing: bool(r.ongoing),
    undatedCurrent: bool(r.undatedCurrent),
  };
}

function toReading(v: PlainValue | undefined, path: string): Reading | null {
  if (v === null || v === undefined) return null;
  const r = record(v, path);
  return {
    value: num(r.value, `${path}.value`),
    date: str(r.date, `${path}.date`),
    source: str(r.source, `${path}.source`),
  };
}

function toCurrentRegimen(raw: Readonly<Record<string, PlainValue>>): CurrentRegimen | null {
  const drugs = list(raw['Current Regimen Drugs'], 'Current Regimen Drugs').map((v, i) =>
    record(v, `Current Regimen Drugs[${i}]`),
  );
  const start = optStr(raw['Regimen Start'], 'Regimen Start');
  if (drugs.length === 0 || start === null) return null;
  const lastDates: Partial<Record<DrugKey, string>> = {};
  const keys: DrugKey[] = [];
  const undated: DrugKey[] = [];
  const sources: string[] = [];
  drugs.forEach((d, i) => {
    const key = drugKey(d.drug, `Current Regimen Drugs[${i}].drug`);
    keys.push(key);
    const last = optStr(d.lastDate, `Current Regimen Drugs[${i}].lastDate`);
    if (last !== null) lastDates[key] = last;
    if (bool(d.undated)) undated.push(key);
    sources.push(...strings(d.sources, `Current Regimen Drugs[${i}].sources`));
  });
  return { drugs: keys, start, lastDates, undated, sources };
}

function toLine(raw: Readonly<Record<string, PlainValue>>): LineFact {
  const n = num(raw['Line'], 'Line');
  if (n !== 1 && n !== 2 && n !== 3) throw new ShapeError('Line', '1, 2 or 3');
  return {
    value: n,
    anthracyclineFree: bool(raw['Anthracycline Free']),
    notReoffered: list(raw['Not Reoffered'], 'Not Reoffered').map((v, i) => drugKey(v, `Not Reoffered[${i}]`)),
    sources: strings(raw['Line Sources'], 'Line Sources'),
  };
}

function toMaintenance(raw: Readonly<Record<string, PlainValue>>): MaintenanceFact {
  return {
    eligible: bool(raw['Maintenance Eligible']),
    combinationGiven: bool(raw['Combination Given']),
    phaseOver: bool(raw['Combination Phase Over']),
    withinPeriod: bool(raw['Maintenance Within Period']),
    underCycleLimit: bool(raw['Maintenance Under Cycle Limit']),
    noGemcitabineOrDocetaxel: bool(raw['No Gemcitabine Or Docetaxel']),
    lastCombinationDate: optStr(raw['Last Combination Date'], 'Last Combination Date'),
    anchorDate: optStr(raw['Maintenance Anchor'], 'Maintenance Anchor'),
    maintenanceDates: strings(raw['Maintenance Dates'], 'Maintenance Dates').sort(),
    sources: strings(raw['Maintenance Sources'], 'Maintenance Sources'),
  };
}

function toLvef(v: PlainValue | undefined): LvefFact | null {
  const reading = toReading(v, 'LVEF');
  if (reading === null || !isRecord(v)) return null;
  return { ...reading, low: bool(v.low), recent: bool(v.recent) };
}

const RECORD_STATUSES: readonly RecordStatus[] = ['linked', 'explained', 'pending', 'unconfirmed'];

function toCumulative(v: PlainValue | undefined): CumulativeDoxorubicin {
  const p = 'Cumulative Doxorubicin';
  const r = record(v, p);
  const events = list(r.events, `${p}.events`)
    .map((d, i): DoseEvent => {
      const q = `${p}.events[${i}]`;
      const x = record(d, q);
      return {
        source: str(x.source, `${q}.source`),
        date: optStr(x.date, `${q}.date`),
        partial: bool(x.partial),
        mgM2: optNum(x.mgM2, `${q}.mgM2`),
        orderedDose: bool(x.orderedDose),
        reason: notCountedOf(x.reason) ?? null,
        checkDose: bool(x.checkDose),
        bsaSources: strings(x.bsaSources, `${q}.bsaSources`),
      };
    })
    .sort(byDateThenSource);
  const others = list(r.otherAnthracyclines, `${p}.otherAnthracyclines`).map((d, i): OtherAnthracyclineSum => {
    const q = `${p}.otherAnthracyclines[${i}]`;
    const x = record(d, q);
    return {
      drug: drugKey(x.drug, `${q}.drug`),
      mgM2: num(x.mgM2, `${q}.mgM2`),
      atLeast: bool(x.atLeast),
      sources: strings(x.sources, `${q}.sources`),
    };
  });
  return {
    known: bool(r.known),
    atLeast: !bool(r.known),
    confirmed: num(r.mgM2, `${p}.mgM2`),
    possible: num(r.possible, `${p}.possible`),
    unconfirmedCount: num(r.unconfirmedCount, `${p}.unconfirmedCount`),
    historyIncomplete: bool(r.historyIncomplete),
    reachedWarn: bool(r.reachedWarn),
    reachedCritical: bool(r.reachedCritical),
    otherAnthracyclines: others,
    events,
    notCounted: list(r.notCounted, `${p}.notCounted`).map((d, i) => {
      const x = record(d, `${p}.notCounted[${i}]`);
      return {
        source: str(x.source, `${p}.notCounted[${i}].source`),
        date: optStr(x.date, `${p}.notCounted[${i}].date`),
        reason: notCountedOf(x.reason) ?? null,
      };
    }),
    records: list(r.records, `${p}.records`).map((d, i) => {
      const x = record(d, `${p}.records[${i}]`);
      return {
        source: str(x.source, `${p}.records[${i}].source`),
        date: optStr(x.date, `${p}.records[${i}].date`),
        status: oneOf(x.status, RECORD_STATUSES, `${p}.records[${i}].status`),
      };
    }),
    sources: [...events.map((e) => e.source), ...others.flatMap((o) => o.sources)],
  };
}

// Date order, then source: cql-execution cannot break a sort tie on dates (it compares them by identity).
function byDateThenSource(
  a: { readonly date: string | null; readonly source: string },
  b: { readonly date: string | null; readonly source: string },
): number {
  return (a.date ?? '').localeCompare(b.date ?? '') || a.source.localeCompare(b.source);
}

/** Narrows the engine's plain StsTreatment results; throws on a shape the library does not produce. */
export function toTreatmentFacts(raw: Readonly<Record<string, PlainValue>>): TreatmentFacts {
  const setting = raw['Anthracycline Before Metastatic'];
  return {
    exposures: list(raw['Exposures'], 'Exposures')
      .map((v, i) => toExposure(v, `Exposures[${i}]`))
      .sort(byDateThenSource),
    currentRegimen: toCurrentRegimen(raw),
    priorExposures: list(raw['Prior Exposures'], 'Prior Exposures')
      .map((v, i) => toExposure(v, `Prior Exposures[${i}]`))
      .sort(byDateThenSource),
    line: toLine(raw),
    maintenance: toMaintenance(raw),
    ecog: toReading(raw['ECOG'], 'ECOG'),
    karnofsky: toReading(raw['Karnofsky'], 'Karnofsky'),
    lvef: toLvef(raw['LVEF']),
    cumulativeDoxorubicin: toCumulative(raw['Cumulative Doxorubicin']),
    unrecognizedCount: num(raw['Unrecognized Count'], 'Unrecognized Count'),
    unrecognizedSources: strings(raw['Unrecognized Administrations'], 'Unrecognized Administrations'),
    anthracyclineBeforeMetastatic: {
      value: typeof setting === 'boolean' ? setting : null,
      sources: strings(raw['Anthracycline Before Metastatic Sources'], 'Anthracycline Before Metastatic Sources'),
    },
  };
}
