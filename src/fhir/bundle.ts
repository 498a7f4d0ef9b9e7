import type { Bundle, FhirResource } from 'fhir/r4.js';
import { isRecord } from '../shared/guards.js';
import { truncate } from '../errors.js';

/** A JSON value that names a resource type (the least a FHIR resource has). */
export function isFhirResource(v: unknown): v is FhirResource {
  return isRecord(v) && typeof v.resourceType === 'string' && v.resourceType.length > 0;
}

export function isBundle(v: unknown): v is Bundle {
  return isFhirResource(v) && v.resourceType === 'Bundle';
}

export function isOperationOutcome(v: unknown): boolean {
  return isFhirResource(v) && v.resourceType === 'OperationOutcome';
}

/** The resources of a prefetch value or FHIR answer: a Bundle's entries, or the resource itself; OperationOutcomes dropped. */
export function resourcesOf(value: unknown): FhirResource[] {
  return readBundle(value).resources;
}

/** One Bundle (or single resource) as the data path reads it. */
export interface ReadBundle {
  readonly resources: FhirResource[];
  /** fullUrl -> id of each Patient entry: a `urn:uuid:` reference resolves only within its own Bundle. */
  readonly patientUrls: ReadonlyMap<string, string>;
  /** Texts of OperationOutcome entries of severity warning or information (PATHWAY.md §2: listed under "Based on"). */
  readonly warnings: string[];
  /** Texts of OperationOutcome entries of severity error or fatal (the first issue's code and diagnostics). */
  readonly errors: string[];
  /** The `next` link, when the Bundle is one page of more. */
  readonly next?: string;
}

/** Reads a Bundle's entries (request and FHIR-server JSON is untrusted: `entry` may be anything, its items too). */
export function readBundle(value: unknown): ReadBundle {
  const out = {
    resources: [] as FhirResource[],
    patientUrls: new Map<string, string>(),
    warnings: [] as string[],
    errors: [] as string[],
  };
  if (!isBundle(value)) {
    if (isOperationOutcome(value)) (isErrorOutcome(value) ? out.errors : out.warnings).push(outcomeText(value));
    else if (isFhirResource(value)) out.resources.push(value);
    return out;
  }
  const entries: unknown = value.entry;
  for (const e of Array.isArray(entries) ? entries : []) {
    const r: unknown = isRecord(e) ? e.resource : undefined;
    if (!isFhirResource(r)) continue;
    if (r.resourceType === 'OperationOutcome') {
      (isErrorOutcome(r) ? out.errors : out.warnings).push(outcomeText(r));
      continue;
    }
    out.resources.push(r);
    const fullUrl: unknown = isRecord(e) ? e.fullUrl : undefined;
    if (r.resourceType === 'Patient' && typeof fullUrl === 'string' && typeof r.id === 'string')
      out.patientUrls.set(fullUrl, r.id);
  }
  const next = nextLinkOf(value);
  return next === undefined ? out : { ...out, next };
}

/** The `next` link of a searchset page, if any. */
export function nextLinkOf(bundle: Bundle): string | undefined {
  const links: unknown = bundle.link;
  if (!Array.isArray(links)) return undefined;
  for (const l of links) {
    if (isRecord(l) && l.relation === 'next' && typeof l.url === 'string' && l.url !== '') return l.url;
  }
  return undefined;
}

/** True when an OperationOutcome has an issue of severity error or fatal (or issues that say nothing of severity). */
export function isErrorOutcome(value: unknown): boolean {
  const issues: unknown = isRecord(value) ? value.issue : undefined;
  if (!Array.isArray(issues) || issues.length === 0) return true;
  return issues.some((i) => !isRecord(i) || (i.severity !== 'warning' && i.severity !== 'information'));
}

/** The first issue of an OperationOutcome, short: "exception: upstream timeout" (code and diagnostics, else details.text). */
export function outcomeText(value: unknown): string {
  const issues: unknown = isRecord(value) ? value.issue : undefined;
  const issue: unknown = Array.isArray(issues) ? issues[0] : undefined;
  if (!isRecord(issue)) return 'an OperationOutcome with no issue';
  const details: unknown = issue.details;
  const text = issue.diagnostics ?? (isRecord(details) ? details.text : undefined);
  const parts = [issue.code, text].filter((x): x is string => typeof x === 'string' && x !== '');
  return parts.length > 0 ? truncate(parts.join(': '), 160) : 'an OperationOutcome issue without code or text';
}

/** True when `a` is a later version than `b` by `meta.lastUpdated` (a stamped version beats an unstamped one). */
function isLater(a: FhirResource, b: FhirResource): boolean {
  const ta = Date.parse(a.meta?.lastUpdated ?? '');
  const tb = Date.parse(b.meta?.lastUpdated ?? '');
  if (Number.isNaN(ta)) return false;
  return Number.isNaN(tb) || ta > tb;
}

/**
 * One `collection` Bundle of the patient's resources (already checked to be this patient's): de-duplicated by type/id
 * (the later `meta.lastUpdated` wins), OperationOutcomes dropped, and no Patient but the one with `patientId`.
 */
export function normalizePatientBundle(resources: Iterable<FhirResource>, patientId: string): Bundle {
  const byKey = new Map<string, FhirResource>();
  let anonymous = 0;
  for (const r of resources) {
    if (r.resourceType === 'OperationOutcome') continue;
    // The engine reads exactly one Patient: any Patient but the context patient (another id, or none) is not this one.
    if (r.resourceType === 'Patient' && r.id !== patientId) continue;
    const key = r.id ? `${r.resourceType}/${r.id}` : `#${anonymous++}`;
    const seen = byKey.get(key);
    if (!seen || isLater(r, seen)) byKey.set(key, r);
  }
  return {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [...byKey.values()].map((resource) => ({ resource })),
  };
}
