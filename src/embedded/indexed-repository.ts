/**
 * Medplum's MemoryRepository with a per-patient index for the searches the service makes (`subject=Patient/<id>`,
 * what `patient=<id>` is rewritten to, see search-query.ts).
 *
 * MemoryRepository answers every search by evaluating the search parameters' FHIRPath on every resource of the type.
 * Here a search with a `subject=Patient/<id>` filter (other plain filters, `_sort`, `_count`, `_offset` beside it) reads
 * only the resources whose JSON names `"Patient/<id>"`, then applies Medplum's own matcher with every filter to each, so
 * the answer is the scan's: same resources, same order (the order of first creation, as the scan walks its Map, then
 * each `_sort` rule in turn as the scan sorts), same `total`, same paging. The index is kept up to date by every write
 * method of the repository; any other search goes to MemoryRepository unchanged.
 */
import {
  evalFhirPath,
  globalSchema,
  matchesSearchRequest,
  Operator,
  type SearchRequest,
  type SortRule,
  type WithId,
} from '@medplum/core';
import { MemoryRepository, type CreateResourceOptions, type DeleteResourceOptions } from '@medplum/fhir-router';
// The FHIR types of Medplum's signatures (a dependency of @medplum/core; types only).
import type { Bundle, BundleEntry, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { FHIR_ID_PATTERN } from '../shared/fhir-id.js';

// The same id shape search-query.ts rewrites; such a reference needs no JSON escaping.
const PATIENT_REFERENCE = new RegExp(`^Patient/(${FHIR_ID_PATTERN})$`);
const PATIENT_REFERENCES_IN_JSON = new RegExp(`"Patient/(${FHIR_ID_PATTERN})"`, 'g');
// Fields of a search request the fast path answers exactly as MemoryRepository does (it ignores `total`).
const SIMPLE_FIELDS: ReadonlySet<string> = new Set([
  'resourceType',
  'filters',
  'count',
  'offset',
  'total',
  'sortRules',
]);
// A filter Medplum's matcher evaluates by itself: a search parameter's name, no chain (`subject.name`, `_has:`), which
// MemoryRepository resolves against other resources before matching.
const PLAIN_FILTER_CODE = /^[A-Za-z][A-Za-z0-9-]*$/;

interface Indexed {
  /** Position in MemoryRepository's Map of the type: set at first creation, kept by updates. */
  readonly seq: number;
  readonly patients: ReadonlySet<string>;
  /**
   * What Medplum's matcher and sort said of this version of the resource, by filters and by sort rule: evaluating a
   * search parameter's FHIRPath costs ~0.8 ms per resource for `code` (one expression over 15 resource types), and
   * the same searches come back on every request. A write makes a new entry, so a new version is evaluated afresh.
   */
  readonly memo: Map<string, boolean | string | undefined>;
}

/**
 * Answers per version of a resource at most: the keys are the searches clients send (filters, sort rules), so a client
 * sending ever new ones cannot grow the memo without bound; past the limit it starts afresh.
 */
const MAX_MEMO_PER_RESOURCE = 64;

/** The memo's answer for `key`, computed and remembered when it has none. */
function remembered<V extends boolean | string | undefined>(memo: Indexed['memo'], key: string, compute: () => V): V {
  if (memo.has(key)) return memo.get(key) as V;
  const value = compute();
  if (memo.size >= MAX_MEMO_PER_RESOURCE) memo.clear();
  memo.set(key, value);
  return value;
}

/**
 * Every patient id a resource's JSON names as a whole string `"Patient/<id>"`. A resource that a `subject=Patient/<id>`
 * search matches holds that exact reference string (Medplum compares reference strings for a value with a `/`).
 */
function patientIdsOf(resource: Resource): Set<string> {
  const ids = new Set<string>();
  for (const m of JSON.stringify(resource).matchAll(PATIENT_REFERENCES_IN_JSON)) if (m[1] !== undefined) ids.add(m[1]);
  return ids;
}

/** The patient id of a search the index answers exactly, else undefined. */
function indexedPatientOf(request: SearchRequest): string | undefined {
  if (!Object.keys(request).every((k) => SIMPLE_FIELDS.has(k))) return undefined;
  const filters = request.filters ?? [];
  if (!filters.every((f) => PLAIN_FILTER_CODE.test(f.code))) return undefined;
  for (const filter of filters) {
    if (filter.code !== 'subject' || filter.operator !== Operator.EQUALS) continue;
    const id = PATIENT_REFERENCE.exec(filter.value)?.[1];
    if (id !== undefined) return id;
  }
  return undefined;
}

/** The text a `_sort` rule orders a resource by in MemoryRepository's scan: the JSON of its FHIRPath value. */
function sortKeyOf(resource: Resource, rule: SortRule): string | undefined {
  const expression = globalSchema.types[resource.resourceType]?.searchParams?.[rule.code]?.expression;
  return expression ? JSON.stringify(evalFhirPath(expression, resource)) : undefined;
}

/** MemoryRepository whose `subject=Patient/<id>` searches read a per-patient index instead of scanning the type. */
export class PatientIndexedRepository extends MemoryRepository {
  private seq = 0;
  /** type -> id -> entry */
  private readonly byType = new Map<string, Map<string, Indexed>>();
  /** type -> patient id -> ids */
  private readonly byPatient = new Map<string, Map<string, Set<string>>>();

  override async createResource<T extends Resource>(
    resource: T,
    options?: CreateResourceOptions,
    update?: boolean,
  ): Promise<WithId<T>> {
    // updateResource and patchResource write through this method.
    const created = await super.createResource(resource, options, update);
    this.indexResource(created);
    return created;
  }

  override async conditionalCreate<T extends Resource>(
    resource: T,
    search: SearchRequest<T>,
    options?: CreateResourceOptions,
  ): Promise<{ resource: WithId<T>; outcome: OperationOutcome }> {
    // MemoryRepository creates through a private method here, not createResource.
    const result = await super.conditionalCreate(resource, search, options);
    this.indexResource(result.resource);
    return result;
  }

  override async deleteResource(resourceType: string, id: string, options?: DeleteResourceOptions): Promise<void> {
    await super.deleteResource(resourceType, id, options);
    this.unindex(resourceType, id);
  }

  override async expungeResources(resourceType: string, ids: string[]): Promise<void> {
    await super.expungeResources(resourceType, ids);
    for (const id of ids) this.unindex(resourceType, id);
  }

  override clear(): void {
    super.clear();
    this.byType.clear();
    this.byPatient.clear();
  }

  override async search<T extends Resource>(request: SearchRequest<T>): Promise<Bundle<WithId<T>>> {
    const patientId = indexedPatientOf(request);
    if (patientId === undefined) return super.search(request);
    const entries = this.byType.get(request.resourceType);
    const ids = [...(this.byPatient.get(request.resourceType)?.get(patientId) ?? [])].sort(
      (a, b) => (entries?.get(a)?.seq ?? 0) - (entries?.get(b)?.seq ?? 0),
    );
    const filtersKey = `match ${JSON.stringify(request.filters ?? [])}`;
    const matched: { resource: WithId<T>; memo: Indexed['memo'] }[] = [];
    for (const id of ids) {
      const resource = await this.readResource<WithId<T>>(request.resourceType, id);
      const memo = entries?.get(id)?.memo ?? new Map<string, boolean | string | undefined>();
      if (remembered(memo, filtersKey, () => matchesSearchRequest(resource, request))) matched.push({ resource, memo });
    }
    // MemoryRepository sorts by each rule in turn (a stable sort each time), comparing the keys with localeCompare.
    let ordered = matched;
    for (const rule of request.sortRules ?? []) {
      const ruleKey = `sort ${rule.code}`;
      const keyed = ordered.map((m) => ({ m, key: remembered(m.memo, ruleKey, () => sortKeyOf(m.resource, rule)) }));
      // A parameter without an expression: MemoryRepository's comparator says equal, so the order stays.
      if (keyed.some((k) => k.key === undefined)) continue;
      const sign = rule.descending ? -1 : 1;
      keyed.sort((a, b) => (a.key ?? '').localeCompare(b.key ?? '') * sign);
      ordered = keyed.map((k) => k.m);
    }
    let entry: BundleEntry<WithId<T>>[] = ordered.map(({ resource }) => ({ search: { mode: 'match' }, resource }));
    if (request.offset !== undefined) entry = entry.slice(request.offset);
    if (request.count !== undefined) entry = entry.slice(0, request.count);
    return {
      resourceType: 'Bundle',
      type: 'searchset',
      entry: entry.length > 0 ? entry : undefined,
      total: matched.length,
    };
  }

  private indexResource(resource: Resource): void {
    const { resourceType, id } = resource;
    if (id === undefined) return;
    const patients = patientIdsOf(resource);
    let ofType = this.byType.get(resourceType);
    if (ofType === undefined) {
      ofType = new Map();
      this.byType.set(resourceType, ofType);
    }
    const previous = ofType.get(id);
    if (previous !== undefined) this.removeFromPatients(resourceType, id, previous.patients);
    ofType.set(id, { seq: previous?.seq ?? this.seq++, patients, memo: new Map() });
    let ofPatient = this.byPatient.get(resourceType);
    if (ofPatient === undefined) {
      ofPatient = new Map();
      this.byPatient.set(resourceType, ofPatient);
    }
    for (const p of patients) {
      let ids = ofPatient.get(p);
      if (ids === undefined) {
        ids = new Set();
        ofPatient.set(p, ids);
      }
      ids.add(id);
    }
  }

  private unindex(resourceType: string, id: string): void {
    const previous = this.byType.get(resourceType)?.get(id);
    if (previous === undefined) return;
    this.removeFromPatients(resourceType, id, previous.patients);
    this.byType.get(resourceType)?.delete(id);
  }

  private removeFromPatients(resourceType: string, id: string, patients: ReadonlySet<string>): void {
    const ofPatient = this.byPatient.get(resourceType);
    for (const p of patients) {
      const ids = ofPatient?.get(p);
      ids?.delete(id);
      if (ids?.size === 0) ofPatient?.delete(p);
    }
  }
}
