/**
 * The facts behind the cards as data (PATHWAY.md §1 "Facts", §2 F0-F10): the `Fact ...` defines of cql/StsPathway and
 * cql/StsOrders narrowed into typed records. No words: src/cards/fact-entries.ts writes them as "Based on" lines.
 *
 * Read leniently, as the cards read them: a field of the wrong type, and an empty string, read as absent, so a
 * library change shows as a missing fact ("not found"), never as a failed request.
 */
import { isIgnoredEvidenceCode, type IgnoredEvidenceCode } from '../pathway/card-texts.js';
import { isNotCountedCode, type NotCountedCode } from '../pathway/treatment-words.js';
import type { PlainValue } from './plain.js';

type PlainRecord = { readonly [key: string]: PlainValue };

/** A code as recorded (system and code, as the library read it). */
export interface RecordedCode {
  readonly system: string;
  readonly code: string;
}

/** F1: one STS Condition with its statuses (absent statuses are read as confirmed / active). */
export interface StsConditionFact {
  readonly resource?: string;
  readonly icd10: readonly string[];
  readonly verificationStatus?: string;
  readonly clinicalStatus?: string;
}

/** F2: one histology finding of a conflict or an "also recorded" list. */
export interface HistologyFinding {
  readonly code?: string;
  readonly display?: string;
  readonly class?: string;
  readonly condition?: string;
  readonly resource?: string;
  /** Absent when the finding has no date field; null when it has one without a value. */
  readonly date?: string | null;
}

/** F2 Histology. */
export interface HistologyFactData {
  readonly code?: string;
  readonly display?: string;
  readonly resource?: string;
  readonly conditionId?: string;
  readonly date?: string;
  readonly alsoRecorded: readonly HistologyFinding[];
  readonly conflict: readonly HistologyFinding[];
}

/** F1: a SPECIALTY second primary and the drugs of its §4.4 row. */
export interface SecondPrimaryFact {
  readonly code?: string;
  readonly display?: string;
  readonly drugs: readonly string[];
  readonly resource?: string;
  readonly date?: string;
}

/** F3 Extent ('METASTATIC', 'LOCALIZED', 'UNKNOWN') with its first evidence. */
export interface ExtentFactData {
  readonly extent?: string;
  readonly firstEvidence?: { readonly resource?: string; readonly date?: string };
}

/** F4 Site (a §7.5 class) with the ICD-10-CM code it was read from. */
export interface SiteFactData {
  readonly site?: string;
  readonly code?: string;
  readonly display?: string;
  /** F1: a desmoid coded D48.1 (uncertain behavior). */
  readonly uncertainBehavior: boolean;
  readonly resource?: string;
}

/** §2: why evidence was ignored (StsDiagnosis `IgnoredReason`; the words: src/pathway/card-texts.ts). */
export interface IgnoredReason {
  readonly code: IgnoredEvidenceCode;
  /** The Conditions the evidence references, or (noReference) the other primary cancers. */
  readonly keys: readonly string[];
}

/** §2: evidence that belongs to another primary cancer. */
export interface IgnoredEvidenceFact {
  readonly resource?: string;
  readonly kind?: string;
  readonly value?: string;
  readonly reason?: IgnoredReason;
}

/** F7: why a dose or record is not counted in N (StsTreatment `NotCounted`; the words: src/pathway/treatment-words.ts). */
export interface NotCountedReason {
  readonly code: NotCountedCode;
  /** The dose's unit as recorded (unitNotConvertible). */
  readonly unit?: string;
}

/** F5: one drug of the current regimen. */
export interface CurrentDrugFact {
  readonly drug?: string;
  readonly runStart?: string;
  readonly lastDate?: string;
  /** Current only through an undated active statement or request. */
  readonly undated: boolean;
  readonly sources: readonly string[];
}

/** §3: the last prior regimen (its drugs) and its last exposure. */
export interface PriorLastExposureFact {
  readonly drugs: readonly string[];
  readonly lastDate?: string;
  readonly source?: string;
}

/** F5: an undated exposure; `current` for an active statement or request. */
export interface UndatedExposureFact {
  readonly drug?: string;
  readonly kind?: string;
  readonly status?: string;
  readonly current: boolean;
  readonly source?: string;
}

/** F10: the latest disease status of the STS. */
export interface DiseaseStatusFact {
  /** 'progression', 'no-progression' or 'unknown'. */
  readonly status?: string;
  readonly code?: string;
  readonly text?: string;
  readonly key?: string;
  readonly date?: string;
}

/** A reading PATHWAY.md §7.3 cannot interpret: named with its recorded text. */
export interface NotInterpretable {
  readonly text?: string;
  readonly source?: string;
  readonly date?: string;
  readonly code?: RecordedCode;
}

/** F6 ECOG. */
export interface EcogFact {
  readonly value?: number;
  readonly recent: boolean;
  readonly date?: string;
  readonly source?: string;
  readonly code?: RecordedCode;
  readonly notInterpretable?: NotInterpretable;
}

/** F7 LVEF, with why it cannot be used for an anthracycline. */
export interface LvefFactData {
  readonly value?: number;
  /** The value's comparator ("<", "<=", ">", ">="), when recorded with one (§7.3 interpretation). */
  readonly comparator?: string;
  readonly date?: string;
  readonly source?: string;
  /** Why no LVEF is usable for an anthracycline: a code of src/pathway/rules.ts LVEF_UNUSABLE_REASONS. */
  readonly unusable?: string;
  readonly notInterpretable?: NotInterpretable;
}

/** §7.3 total bilirubin. */
export interface BilirubinFact {
  readonly value?: number;
  readonly unit?: string;
  readonly upperLimit?: string;
  /** Above the upper limit of normal; absent when it cannot be judged. */
  readonly high?: boolean;
  readonly source?: string;
  readonly date?: string;
  readonly recent: boolean;
}

/** F7 item 1: one doxorubicin dose event and its marks. */
export interface DoseEventFact {
  readonly source?: string;
  readonly date?: string;
  readonly partial: boolean;
  readonly orderedDose: boolean;
  readonly checkDose: boolean;
}

/** F7 item 5: the cumulative doxorubicin as recorded. */
export interface CumulativeFact {
  readonly known: boolean;
  /** N, mg/m². */
  readonly mgM2?: number;
  /** P, mg/m². */
  readonly possible?: number;
  readonly unconfirmedCount?: number;
  readonly historyIncomplete: boolean;
  readonly events: readonly DoseEventFact[];
  readonly notCounted: readonly {
    readonly source?: string;
    readonly date?: string;
    readonly reason?: NotCountedReason;
  }[];
  readonly otherAnthracyclines: readonly {
    readonly drug?: string;
    readonly atLeast: boolean;
    readonly mgM2?: number;
  }[];
  /** F7 item 2c: orders not yet given. */
  readonly pending: readonly { readonly source?: string; readonly date?: string }[];
}

/** F8 Grade. */
export interface GradeFactData {
  readonly grade?: number;
  readonly resource?: string;
  readonly date?: string;
}

/** F9 Surgery or Radiotherapy. */
export interface LocalTherapyFact {
  readonly done: boolean;
  readonly resource?: string;
  readonly date?: string;
  /** Surgery: an STS Condition is a local recurrence (treated as not resected). */
  readonly localRecurrence: boolean;
}

/** F0 Age. */
export interface AgeFactData {
  readonly value?: number;
  readonly resource?: string;
  readonly birthDate?: string;
}

/** §3 "Later-line wording": one prior regimen (F5 run), oldest first. */
export interface PriorRegimenFact {
  readonly drugs: readonly string[];
  readonly dates?: number;
  readonly first?: string;
  readonly last?: string;
}

/** §3 "Later-line wording": the disease status since the start of the last prior regimen (F10). */
export interface LaterLineStatusFact {
  /** 'progression', 'no-progression' or 'unknown'. */
  readonly kind?: string;
  readonly reading?: DiseaseStatusFact;
}

/** §3 step 7: the maintenance trabectedin given since the date its period runs from. */
export interface MaintenanceGiven {
  readonly given: number;
  readonly since: string;
}

/** Every fact a card may name; a define the library does not output reads as absent (or empty). */
export interface PatientFacts {
  readonly stsConditions: readonly StsConditionFact[];
  readonly histology?: HistologyFactData;
  readonly secondPrimaries: readonly SecondPrimaryFact[];
  readonly extent?: ExtentFactData;
  readonly site?: SiteFactData;
  readonly ignoredEvidence: readonly IgnoredEvidenceFact[];
  readonly currentRegimen: readonly CurrentDrugFact[];
  readonly line?: number;
  readonly lineSources: readonly string[];
  readonly priorLastExposure?: PriorLastExposureFact;
  readonly undatedExposures: readonly UndatedExposureFact[];
  readonly unrecognized?: number;
  readonly diseaseStatus?: DiseaseStatusFact;
  readonly ecog?: EcogFact;
  readonly lvef?: LvefFactData;
  readonly bilirubin?: BilirubinFact;
  readonly cumulative?: CumulativeFact;
  readonly grade?: GradeFactData;
  readonly surgery?: LocalTherapyFact;
  readonly radiotherapy?: LocalTherapyFact;
  readonly age?: AgeFactData;
  /** StsPathway only (absent at order time). */
  readonly priorRegimens: readonly PriorRegimenFact[];
  readonly priorDrugs: readonly string[];
  readonly laterLineStatus?: LaterLineStatusFact;
  /** Date of the progression F10 found after the current regimen's start (§5 step 5). */
  readonly progressionSinceCurrentStart?: string;
  readonly maintenance?: MaintenanceGiven;
}

/* ---------- Lenient narrowing ---------- */

const rec = (v: PlainValue | undefined): PlainRecord | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined;
const str = (v: PlainValue | undefined): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: PlainValue | undefined): number | undefined => (typeof v === 'number' ? v : undefined);
const strs = (v: PlainValue | undefined): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
const recs = (v: PlainValue | undefined): PlainRecord[] =>
  Array.isArray(v) ? v.map(rec).filter((x): x is PlainRecord => x !== undefined) : [];

/** A `NotCounted` tuple of StsTreatment; undefined for anything else. */
export function notCountedOf(v: PlainValue | undefined): NotCountedReason | undefined {
  const r = rec(v);
  const code = str(r?.code);
  if (code === undefined || !isNotCountedCode(code)) return undefined;
  const unit = str(r?.unit);
  return unit !== undefined ? { code, unit } : { code };
}

/** An `IgnoredReason` tuple of StsDiagnosis (a reason naming no key is none); undefined for anything else. */
export function ignoredReasonOf(v: PlainValue | undefined): IgnoredReason | undefined {
  const r = rec(v);
  const code = str(r?.code);
  const keys = strs(r?.keys);
  return code !== undefined && isIgnoredEvidenceCode(code) && keys.length > 0 ? { code, keys } : undefined;
}

function codeOf(v: PlainValue | undefined): RecordedCode | undefined {
  const c = rec(v);
  const system = str(c?.system);
  const code = str(c?.code);
  return system !== undefined && code !== undefined ? { system, code } : undefined;
}

function finding(h: PlainRecord): HistologyFinding {
  return {
    code: str(h.code),
    display: str(h.display),
    class: str(h.class),
    condition: str(h.condition),
    resource: str(h.resource),
    date: h.date === undefined ? undefined : (str(h.date) ?? null),
  };
}

function histologyOf(v: PlainValue | undefined): HistologyFactData | undefined {
  const h = rec(v);
  if (h === undefined) return undefined;
  return {
    code: str(h.code),
    display: str(h.display),
    resource: str(h.resource),
    conditionId: str(h.conditionId),
    date: str(h.date),
    alsoRecorded: recs(h.alsoRecorded).map(finding),
    conflict: recs(h.conflict).map(finding),
  };
}

function notInterpretableOf(v: PlainValue | undefined): NotInterpretable | undefined {
  const r = rec(v);
  if (r === undefined) return undefined;
  return { text: str(r.text), source: str(r.source), date: str(r.date), code: codeOf(r.code) };
}

function diseaseStatusOf(v: PlainValue | undefined): DiseaseStatusFact | undefined {
  const s = rec(v);
  if (s === undefined) return undefined;
  return { status: str(s.status), code: str(s.code), text: str(s.text), key: str(s.key), date: str(s.date) };
}

function localTherapyOf(v: PlainValue | undefined): LocalTherapyFact | undefined {
  const r = rec(v);
  if (r === undefined) return undefined;
  return {
    done: r.done === true,
    resource: str(r.resource),
    date: str(r.date),
    localRecurrence: r.localRecurrence === true,
  };
}

function cumulativeOf(v: PlainValue | undefined): CumulativeFact | undefined {
  const c = rec(v);
  if (c === undefined) return undefined;
  return {
    known: c.known === true,
    mgM2: num(c.mgM2),
    possible: num(c.possible),
    unconfirmedCount: num(c.unconfirmedCount),
    historyIncomplete: c.historyIncomplete === true,
    events: recs(c.events).map((e) => ({
      source: str(e.source),
      date: str(e.date),
      partial: e.partial === true,
      orderedDose: e.orderedDose === true,
      checkDose: e.checkDose === true,
    })),
    // Items that are not tuples still count (each is one "not counted" entry, named generically).
    notCounted: (Array.isArray(c.notCounted) ? c.notCounted.map(rec) : []).map((x) => ({
      source: str(x?.source),
      date: str(x?.date),
      reason: notCountedOf(x?.reason),
    })),
    otherAnthracyclines: (Array.isArray(c.otherAnthracyclines) ? c.otherAnthracyclines.map(rec) : []).map((o) => ({
      drug: str(o?.drug),
      atLeast: o?.atLeast === true,
      mgM2: num(o?.mgM2),
    })),
    pending: (Array.isArray(c.pending) ? c.pending.map(rec) : []).map((p) => ({
      source: str(p?.source),
      date: str(p?.date),
    })),
  };
}

function bilirubinOf(v: PlainValue | undefined): BilirubinFact | undefined {
  const b = rec(v);
  const reading = rec(b?.reading);
  if (reading === undefined) return undefined;
  return {
    value: num(reading.value),
    unit: str(reading.unit),
    upperLimit: str(reading.upperLimit),
    high: typeof reading.high === 'boolean' ? reading.high : undefined,
    source: str(reading.source),
    date: str(reading.date),
    recent: b?.recent === true,
  };
}

/** Narrows the `Fact ...` defines (and the later-line inputs) of an evaluated StsPathway or StsOrders. */
export function toPatientFacts(raw: Readonly<Record<string, PlainValue>>): PatientFacts {
  const extent = rec(raw['Fact Extent']);
  const first = rec(Array.isArray(extent?.evidence) ? extent.evidence[0] : undefined);
  const site = rec(raw['Fact Site']);
  const prior = rec(raw['Fact Prior Last Exposure']);
  const ecog = rec(raw['Fact ECOG']);
  const lvef = rec(raw['Fact LVEF']);
  const grade = rec(raw['Fact Grade']);
  const age = rec(raw['Fact Age']);
  const laterLine = rec(raw['Later Line Status']);
  const maintenance = rec(raw['Fact Maintenance']);
  const progression = rec(raw['Progression Since Current Start']);
  return {
    stsConditions: recs(raw['Fact STS Conditions']).map((c) => ({
      resource: str(c.resource),
      icd10: strs(c.icd10),
      verificationStatus: str(c.verificationStatus),
      clinicalStatus: str(c.clinicalStatus),
    })),
    histology: histologyOf(raw['Fact Histology']),
    secondPrimaries: recs(raw['Fact Second Primary']).map((p) => ({
      code: str(p.code),
      display: str(p.display),
      drugs: strs(p.drugs),
      resource: str(p.resource),
      date: str(p.date),
    })),
    extent:
      extent === undefined
        ? undefined
        : {
            extent: str(extent.extent),
            firstEvidence: first === undefined ? undefined : { resource: str(first.resource), date: str(first.date) },
          },
    site:
      site === undefined
        ? undefined
        : {
            site: str(site.site),
            code: str(site.code),
            display: str(site.display),
            uncertainBehavior: site.uncertainBehavior === true,
            resource: str(site.resource),
          },
    ignoredEvidence: recs(raw['Fact Ignored Evidence']).map((e) => ({
      resource: str(e.resource),
      kind: str(e.kind),
      value: str(e.value),
      reason: ignoredReasonOf(e.reason),
    })),
    currentRegimen: (Array.isArray(raw['Fact Current Regimen']) ? raw['Fact Current Regimen'].map(rec) : []).map(
      (c) => ({
        drug: str(c?.drug),
        runStart: str(c?.runStart),
        lastDate: str(c?.lastDate),
        undated: c?.undated === true,
        sources: strs(c?.sources),
      }),
    ),
    line: num(raw['Fact Line']),
    lineSources: strs(raw['Fact Line Sources']),
    priorLastExposure:
      prior === undefined
        ? undefined
        : { drugs: strs(prior.drugs), lastDate: str(prior.lastDate), source: str(prior.source) },
    undatedExposures: recs(raw['Fact Undated Exposures']).map((e) => ({
      drug: str(e.drug),
      kind: str(e.kind),
      status: str(e.status),
      current: e.current === true,
      source: str(e.source),
    })),
    unrecognized: num(raw['Fact Unrecognized']),
    diseaseStatus: diseaseStatusOf(raw['Fact Disease Status']),
    ecog:
      ecog === undefined
        ? undefined
        : {
            value: num(ecog.value),
            recent: ecog.recent === true,
            date: str(ecog.date),
            source: str(ecog.source),
            code: codeOf(ecog.code),
            notInterpretable: notInterpretableOf(ecog.notInterpretable),
          },
    lvef:
      lvef === undefined
        ? undefined
        : {
            value: num(lvef.value),
            comparator: str(lvef.comparator),
            date: str(lvef.date),
            source: str(lvef.source),
            unusable: str(lvef.unusable),
            notInterpretable: notInterpretableOf(lvef.notInterpretable),
          },
    bilirubin: bilirubinOf(raw['Fact Bilirubin']),
    cumulative: cumulativeOf(raw['Fact Cumulative']),
    grade:
      grade === undefined
        ? undefined
        : {
            grade: num(grade.grade),
            resource: str(grade.resource),
            date: str(grade.date),
          },
    surgery: localTherapyOf(raw['Fact Surgery']),
    radiotherapy: localTherapyOf(raw['Fact Radiotherapy']),
    age:
      age === undefined
        ? undefined
        : { value: num(age.value), resource: str(age.resource), birthDate: str(age.birthDate) },
    priorRegimens: recs(raw['Fact Prior Regimens']).map((r) => ({
      drugs: strs(r.drugs),
      dates: num(r.dates),
      first: str(r.first),
      last: str(r.last),
    })),
    priorDrugs: strs(raw['Prior Drugs']),
    laterLineStatus:
      laterLine === undefined ? undefined : { kind: str(laterLine.kind), reading: diseaseStatusOf(laterLine.reading) },
    progressionSinceCurrentStart: str(progression?.date),
    maintenance:
      typeof maintenance?.given === 'number' && typeof maintenance.since === 'string'
        ? { given: maintenance.given, since: maintenance.since }
        : undefined,
  };
}
