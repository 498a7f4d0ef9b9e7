/**
 * Typed diagnosis facts (PATHWAY.md §2 F0-F4, F8, F9) as cql/StsDiagnosis.cql computes them, and the function that
 * evaluates that library and narrows the engine's plain output into them. References are "Type/id"; dates are ISO
 * strings at the precision recorded ("2025-06" stays partial). For the library's own tests
 * (test/integration/cql/StsDiagnosis.test.ts); the service reads these through StsPathway (src/cql/patient-facts.ts).
 */
import type { Site } from '../../src/pathway/codes.js';
import type { CqlEngine, EvaluateOptions } from '../../src/cql/engine.js';
import { ignoredReasonOf, type IgnoredReason } from '../../src/cql/patient-facts.js';
import type { PlainValue } from '../../src/cql/plain.js';

/** F2 class, including the derived UNCOVERED and UNKNOWN. */
export type HistologyClassFact = 'LMS' | 'LPS' | 'UPS' | 'OTHER' | 'SPECIALTY' | 'UNCOVERED' | 'UNKNOWN';

/** Where a histology code was read (F2 sources; `diagnosis-code` is rule 0, C49.A* / C46.*). */
export type HistologySource = 'extension' | 'condition-code' | 'observation' | 'diagnosis-code';

/** One recorded histology code (an "also recorded" or conflicting entry). */
export interface HistologyEntry {
  readonly code: string | null;
  readonly display: string | null;
  readonly class: string | null;
  readonly source: string | null;
  readonly resource: string | null;
}

/** F2 Histology, merged over the used STS Conditions. */
export interface HistologyFact {
  readonly class: HistologyClassFact;
  readonly code: string | null;
  readonly display: string | null;
  readonly source: HistologySource | null;
  /** The STS Condition the histology belongs to (also set on a within-Condition conflict). */
  readonly conditionId: string | null;
  /** The resource the code was read from (the Condition, or the 31206-6 Observation). */
  readonly resource: string | null;
  readonly date: string | null;
  /** A different class from a lower-precedence source (shown as "also recorded"). */
  readonly alsoRecorded: readonly HistologyEntry[];
  /** Non-empty when class is UNKNOWN because of a conflict: both codes and resources. */
  readonly conflict: readonly HistologyEntry[];
}

/** One piece of extent evidence that belongs to the STS. */
export interface ExtentEvidence {
  readonly kind: 'metastasis-condition' | 'm-category' | 'stage-group' | 'stage-summary';
  /** 'metastasis' | 'C77' | 'M1' | 'IV' (metastatic) or 'M0' | 'I-III' (localized). */
  readonly value: string;
  readonly resource: string;
  readonly date: string | null;
}

/** F3 Extent. */
export interface ExtentFact {
  readonly extent: 'METASTATIC' | 'LOCALIZED' | 'UNKNOWN';
  /** The metastatic evidence when metastatic, else the localized evidence. */
  readonly evidence: readonly ExtentEvidence[];
  /** Every metastatic evidence is a C77 lymph-node Condition (the RETROPERITONEAL IIIB note applies). */
  readonly lymphNodeOnly: boolean;
  /** A stage group I-III belongs to the STS. */
  readonly stageGroupItoIII: boolean;
}

/** Evidence ignored because it belongs to another primary cancer (the cards name it). */
export interface IgnoredEvidence {
  readonly kind: string;
  readonly value: string | null;
  readonly resource: string;
  readonly reason: IgnoredReason | null;
}

/** F4 Site. */
export interface SiteFact {
  readonly site: Site;
  readonly code: string | null;
  readonly resource: string | null;
}

/** F0 Age (null value: no birthDate). */
export interface AgeFact {
  readonly value: number | null;
  readonly birthDate: string | null;
  readonly resource: string | null;
}

/** F8 Grade (null grade: not found or unreadable value). */
export interface GradeFact {
  readonly grade: 1 | 2 | 3 | null;
  readonly resource: string | null;
  readonly date: string | null;
}

/** F9 Surgery. */
export interface SurgeryFact {
  readonly done: boolean;
  readonly resource: string | null;
  readonly date: string | null;
  /** An STS Condition is recurrence/relapse: treated as not resected. */
  readonly localRecurrence: boolean;
}

/** F9 Radiotherapy. */
export interface RadiotherapyFact {
  readonly done: boolean;
  readonly resource: string | null;
  readonly date: string | null;
}

/** One STS Condition (F1). */
export interface StsConditionEntry {
  readonly resource: string;
  readonly clinicalStatus: string | null;
  readonly verificationStatus: string | null;
  readonly confirmed: boolean;
  readonly icd10: readonly string[];
  readonly date: string | null;
}

/** Every diagnosis fact of one patient. */
export interface DiagnosisFacts {
  readonly hasStsCondition: boolean;
  readonly isConfirmed: boolean;
  readonly stsConditions: readonly StsConditionEntry[];
  readonly otherPrimaryCancers: readonly string[];
  readonly age: AgeFact;
  readonly histology: HistologyFact;
  readonly extent: ExtentFact;
  readonly site: SiteFact;
  readonly grade: GradeFact;
  readonly surgery: SurgeryFact;
  readonly radiotherapy: RadiotherapyFact;
  readonly ignoredEvidence: readonly IgnoredEvidence[];
}

/** The shape of the engine's output did not match the documented one (a library/TypeScript mismatch: a bug). */
export class DiagnosisShapeError extends Error {
  constructor(path: string) {
    super(`StsDiagnosis result does not match DiagnosisFacts at ${path}`);
    this.name = 'DiagnosisShapeError';
  }
}

type Obj = { readonly [key: string]: PlainValue };

function obj(v: PlainValue | undefined, path: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new DiagnosisShapeError(path);
  return v;
}
function str(v: PlainValue | undefined, path: string): string {
  if (typeof v !== 'string') throw new DiagnosisShapeError(path);
  return v;
}
function strOrNull(v: PlainValue | undefined, path: string): string | null {
  if (v === null || v === undefined) return null;
  return str(v, path);
}
function bool(v: PlainValue | undefined, path: string): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v !== 'boolean') throw new DiagnosisShapeError(path);
  return v;
}
function list(v: PlainValue | undefined, path: string): readonly PlainValue[] {
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) throw new DiagnosisShapeError(path);
  return v;
}
function oneOf<T extends string>(v: PlainValue | undefined, allowed: readonly T[], path: string): T {
  const found = allowed.find((a) => a === v);
  if (found === undefined) throw new DiagnosisShapeError(path);
  return found;
}

const HISTOLOGY_CLASSES = ['LMS', 'LPS', 'UPS', 'OTHER', 'SPECIALTY', 'UNCOVERED', 'UNKNOWN'] as const;
const SOURCES = ['extension', 'condition-code', 'observation', 'diagnosis-code'] as const;
const SITES = ['EXTREMITY', 'TRUNK_OTHER', 'RETROPERITONEAL', 'NON_SOFT_TISSUE', 'UNKNOWN'] as const;
const EVIDENCE_KINDS = ['metastasis-condition', 'm-category', 'stage-group', 'stage-summary'] as const;

function entry(v: PlainValue, path: string): HistologyEntry {
  const o = obj(v, path);
  return {
    code: strOrNull(o.code, `${path}.code`),
    display: strOrNull(o.display, `${path}.display`),
    class: strOrNull(o.class, `${path}.class`),
    source: strOrNull(o.source, `${path}.source`),
    resource: strOrNull(o.resource, `${path}.resource`),
  };
}

/** Narrows the engine's raw StsDiagnosis output into DiagnosisFacts (throws DiagnosisShapeError on a mismatch). */
export function toDiagnosisFacts(raw: Readonly<Record<string, PlainValue>>): DiagnosisFacts {
  const h = obj(raw.Histology, 'Histology');
  const e = obj(raw.Extent, 'Extent');
  const s = obj(raw.Site, 'Site');
  const a = obj(raw.Age, 'Age');
  const g = obj(raw.Grade, 'Grade');
  const su = obj(raw.Surgery, 'Surgery');
  const rt = obj(raw.Radiotherapy, 'Radiotherapy');
  const grade = g.grade;
  return {
    hasStsCondition: bool(raw['Has STS Condition'], 'Has STS Condition'),
    isConfirmed: bool(raw['Is Confirmed'], 'Is Confirmed'),
    stsConditions: list(raw['STS Condition List'], 'STS Condition List').map((v, i) => {
      const o = obj(v, `STS Condition List[${i}]`);
      return {
        resource: str(o.resource, 'resource'),
        clinicalStatus: strOrNull(o.clinicalStatus, 'clinicalStatus'),
        verificationStatus: strOrNull(o.verificationStatus, 'verificationStatus'),
        confirmed: bool(o.confirmed, 'confirmed'),
        icd10: list(o.icd10, 'icd10').map((c) => str(c, 'icd10[]')),
        date: strOrNull(o.date, 'date'),
      };
    }),
    otherPrimaryCancers: list(raw['Other Primary Cancer List'], 'Other Primary Cancer List').map((v) =>
      str(v, 'other'),
    ),
    age: {
      value: typeof a.value === 'number' ? a.value : null,
      birthDate: strOrNull(a.birthDate, 'Age.birthDate'),
      resource: strOrNull(a.resource, 'Age.resource'),
    },
    histology: {
      class: oneOf(h.class, HISTOLOGY_CLASSES, 'Histology.class'),
      code: strOrNull(h.code, 'Histology.code'),
      display: strOrNull(h.display, 'Histology.display'),
      source: h.source === null || h.source === undefined ? null : oneOf(h.source, SOURCES, 'Histology.source'),
      conditionId: strOrNull(h.conditionId, 'Histology.conditionId'),
      resource: strOrNull(h.resource, 'Histology.resource'),
      date: strOrNull(h.date, 'Histology.date'),
      alsoRecorded: list(h.alsoRecorded, 'Histology.alsoRecorded').map((v, i) =>
        entry(v, `Histology.alsoRecorded[${i}]`),
      ),
      conflict: list(h.conflict, 'Histology.conflict').map((v, i) => entry(v, `Histology.conflict[${i}]`)),
    },
    extent: {
      extent: oneOf(e.extent, ['METASTATIC', 'LOCALIZED', 'UNKNOWN'] as const, 'Extent.extent'),
      evidence: list(e.evidence, 'Extent.evidence').map((v, i) => {
        const o = obj(v, `Extent.evidence[${i}]`);
        return {
          kind: oneOf(o.kind, EVIDENCE_KINDS, 'kind'),
          value: str(o.value, 'value'),
          resource: str(o.resource, 'resource'),
          date: strOrNull(o.date, 'date'),
        };
      }),
      lymphNodeOnly: bool(e.lymphNodeOnly, 'Extent.lymphNodeOnly'),
      stageGroupItoIII: bool(e.stageGroupItoIII, 'Extent.stageGroupItoIII'),
    },
    site: {
      site: oneOf(s.site, SITES, 'Site.site'),
      code: strOrNull(s.code, 'Site.code'),
      resource: strOrNull(s.resource, 'Site.resource'),
    },
    grade: {
      grade: grade === 1 || grade === 2 || grade === 3 ? grade : null,
      resource: strOrNull(g.resource, 'Grade.resource'),
      date: strOrNull(g.date, 'Grade.date'),
    },
    surgery: {
      done: bool(su.done, 'Surgery.done'),
      resource: strOrNull(su.resource, 'Surgery.resource'),
      date: strOrNull(su.date, 'Surgery.date'),
      localRecurrence: bool(su.localRecurrence, 'Surgery.localRecurrence'),
    },
    radiotherapy: {
      done: bool(rt.done, 'Radiotherapy.done'),
      resource: strOrNull(rt.resource, 'Radiotherapy.resource'),
      date: strOrNull(rt.date, 'Radiotherapy.date'),
    },
    ignoredEvidence: list(raw['Ignored Evidence'], 'Ignored Evidence').map((v, i) => {
      const o = obj(v, `Ignored Evidence[${i}]`);
      return {
        kind: str(o.kind, 'kind'),
        value: strOrNull(o.value, 'value'),
        resource: str(o.resource, 'resource'),
        reason: ignoredReasonOf(o.reason) ?? null,
      };
    }),
  };
}

/** Evaluates cql/StsDiagnosis for the patient of `bundle` and returns its typed facts. */
export async function evaluateDiagnosis(
  engine: CqlEngine,
  bundle: unknown,
  opts: EvaluateOptions,
): Promise<DiagnosisFacts> {
  return toDiagnosisFacts(await engine.evaluate('StsDiagnosis', bundle, opts));
}
