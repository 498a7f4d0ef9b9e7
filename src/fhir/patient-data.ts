import type { FhirResource } from 'fhir/r4.js';
import { CdsError, badRequest, outcome, preconditionFailed, truncate } from '../errors.js';
import type { CdsRequest } from '../shared/cds-hooks.js';
import type { DataNotices, PatientData } from './types.js';
import { PREFETCH_TEMPLATES, fillPrefetchTemplate, templateResourceType } from './prefetch.js';
import {
  isBundle,
  isFhirResource,
  isOperationOutcome,
  normalizePatientBundle,
  outcomeText,
  readBundle,
  type ReadBundle,
} from './bundle.js';
import { fetchQuery, followPages, type FhirTarget } from './fetch-query.js';
import { FhirFetchError } from './fetch-error.js';
import { abortAfter } from './abort-after.js';
import { LeftOut, READ_TYPES, leftOutReason } from './patient-reference.js';
import { FHIR_ID } from '../shared/fhir-id.js';
import { addressPolicyFor, checkFhirServer, type SecurityConfig, type VerifiedClient } from '../security/index.js';
import { describeShapeProblem, type ResourceShapeGuard } from './shape-check.js';

/** The data path's limits and FHIR server policy (fields of src/config.ts Config, which says what each is). */
export interface DataPathConfig {
  readonly fhirTimeoutMs: number;
  readonly requestDeadlineMs: number;
  readonly fhirMaxPages: number;
  readonly fhirMaxResponseBytes: number;
  readonly maxBundleEntries: number;
  readonly security: SecurityConfig;
}

/** What the data path needs besides the request. */
export interface PatientDataDeps {
  readonly config: DataPathConfig;
  /** The CDS client whose JWT was verified (`verifiedClientOf(res)`); undefined when auth is disabled. */
  readonly client?: VerifiedClient;
  /** The service's prefetch templates (default: PREFETCH_TEMPLATES). */
  readonly templates?: Readonly<Record<string, string>>;
  /** The CQL engine's shape guard (`engine.shapeGuard`): a resource that does not fit is dropped, its type unreadable. */
  readonly shapeGuard: ResourceShapeGuard;
}

/** PATHWAY.md §2 rule 4: without these the pathway cannot start (CDS Hooks 2.0: the service SHALL answer 412). */
const REQUIRED_TYPES: ReadonlySet<string> = new Set(['Patient', 'Condition']);

/** What one prefetch key held (PATHWAY.md §2 "Reading the data", rules 1-4). */
type KeyState =
  | { readonly kind: 'data'; readonly page: ReadBundle }
  | { readonly kind: 'empty' }
  | { readonly kind: 'absent' }
  | { readonly kind: 'outcome'; readonly said: string }
  | { readonly kind: 'malformed'; readonly said: string };

interface KeyRead {
  readonly key: string;
  readonly template: string;
  readonly type: string;
  readonly state: KeyState;
}

/** Pages read for one resource type. */
interface TypedPage {
  readonly type: string;
  readonly page: ReadBundle;
}

/** The findings of one request's data path, filled as the keys are read. */
class Findings {
  readonly pages: TypedPage[] = [];
  readonly unreadable = new Map<string, string>();
  readonly incomplete = new Map<string, string>();
  readonly warnings: string[] = [];

  addPage(type: string, page: ReadBundle): void {
    this.pages.push({ type, page });
    for (const w of page.warnings) this.warnings.push(`${type}: ${w}`);
    // A page that carries data and an error outcome: the EHR or server read the type only in part.
    if (page.errors.length > 0)
      note(this.incomplete, type, `an OperationOutcome in the answer says: ${page.errors[0] ?? ''}`);
  }
}

/**
 * The patient's data for a hook (PATHWAY.md §2 "Reading the data"): the prefetch the EHR sent, plus what `fhirServer`
 * gives for every key that was absent or held an OperationOutcome (or something that is no FHIR answer), and the
 * later pages of every truncated searchset, fetched in parallel under one deadline. Only resources that provably
 * belong to the context patient count (src/fhir/patient-reference.ts); the others are counted on the cards.
 * Throws CdsError 400 for a patient id that is not a FHIR id, 412 when the Patient or Condition key was absent and
 * could not be fetched (§2 rule 4), 403 when the fhirServer is refused.
 */
export async function loadPatientData(request: CdsRequest, deps: PatientDataDeps): Promise<PatientData> {
  const patientId = checkedPatientId(request.context.patientId);
  const { config } = deps;
  const templates = deps.templates ?? PREFETCH_TEMPLATES;
  const found = new Findings();
  const reads: KeyRead[] = Object.entries(templates).map(([key, template]) => ({
    key,
    template,
    type: templateResourceType(template),
    state: readKey(key, request.prefetch?.[key], config.maxBundleEntries),
  }));
  for (const r of reads) if (r.state.kind === 'data') found.addPage(r.type, r.state.page);
  const toFetch = reads.filter(
    (r) => r.state.kind === 'absent' || r.state.kind === 'outcome' || r.state.kind === 'malformed',
  );
  const truncated = reads.filter(
    (r): r is KeyRead & { state: { kind: 'data'; page: ReadBundle } } =>
      r.state.kind === 'data' && r.state.page.next !== undefined,
  );
  if (request.fhirServer === undefined) {
    const required = toFetch.filter((m) => REQUIRED_TYPES.has(m.type) && m.state.kind === 'absent');
    if (required.length > 0) {
      throw new CdsError(
        preconditionFailed(
          `Prefetch ${required.map(describeKey).join(', ')}, and no fhirServer was given to fetch ${required.length > 1 ? 'them' : 'it'} from`,
        ),
      );
    }
    for (const m of toFetch)
      note(found.unreadable, m.type, `prefetch '${m.key}' ${keyState(m)} and no fhirServer was given`);
    for (const t of truncated) {
      note(
        found.incomplete,
        t.type,
        `prefetch '${t.key}' has more pages (a next link) and no fhirServer was given to read them`,
      );
    }
  } else if (toFetch.length > 0 || truncated.length > 0) {
    await fetchFromServer(request, request.fhirServer, toFetch, truncated, deps, found);
  }
  const leftOut = new LeftOut();
  const kept = keepPatients(found.pages, patientId, leftOut);
  const fitting = dropMalformed(kept, deps.shapeGuard, found.unreadable);
  // The CQL patient context is the Patient resource. A Patient key that was null, or an unreadable Patient (failed
  // read, malformed resource), leaves age unknown (§2), so the patient is just its id then; a Patient that is simply
  // not there (a `patient` key holding something else, or a Patient with another id) is a 412.
  const hasPatient = fitting.some((r) => r.resourceType === 'Patient' && r.id === patientId);
  const patientKey = reads.find((r) => r.type === 'Patient');
  if (
    !hasPatient &&
    patientKey !== undefined &&
    patientKey.state.kind !== 'empty' &&
    !found.unreadable.has('Patient')
  ) {
    throw new CdsError(
      preconditionFailed('Neither prefetch nor fhirServer gave the Patient resource of context.patientId'),
    );
  }
  if (!hasPatient) fitting.push({ resourceType: 'Patient', id: patientId });
  return {
    bundle: normalizePatientBundle(fitting, patientId),
    unreadable: found.unreadable,
    incomplete: found.incomplete,
    notices: notices(found.warnings, leftOut),
  };
}

/** A FHIR id ([A-Za-z0-9-.]{1,64}) that is a path segment (not `.` or `..`), or a 400 naming context.patientId. */
function checkedPatientId(patientId: unknown): string {
  if (typeof patientId !== 'string')
    throw new CdsError(badRequest('`context.patientId` is required', ['context.patientId']));
  if (!FHIR_ID.test(patientId) || /^\.{1,2}$/.test(patientId)) {
    throw new CdsError(
      badRequest('`context.patientId` must be a FHIR id ([A-Za-z0-9-.], 1-64 characters, not . or ..)', [
        'context.patientId',
      ]),
    );
  }
  return patientId;
}

/** Classifies one prefetch value (§2 rules 1-4). */
function readKey(key: string, value: unknown, maxEntries: number): KeyState {
  if (value === undefined) return { kind: 'absent' };
  // Rule 2: the EHR ran the query and found nothing.
  if (value === null) return { kind: 'empty' };
  if (!isFhirResource(value)) return { kind: 'malformed', said: 'not a FHIR resource' };
  if (isOperationOutcome(value)) return { kind: 'outcome', said: outcomeText(value) };
  if (isBundle(value)) {
    const entries: unknown = value.entry;
    // A Bundle whose `entry` is not a list says nothing about the data: unreadable, never silently empty.
    if (entries !== undefined && !Array.isArray(entries))
      return { kind: 'malformed', said: 'a Bundle whose entry is not a list' };
    if (Array.isArray(entries) && entries.length > maxEntries) {
      throw new CdsError(
        outcome('body-too-large', `prefetch '${key}' holds more than ${maxEntries} entries`, [`prefetch.${key}`]),
      );
    }
  }
  const page = readBundle(value);
  // Rule 3: a Bundle whose only entries are error OperationOutcomes is the EHR's failed query.
  if (page.resources.length === 0 && page.errors.length > 0) return { kind: 'outcome', said: page.errors[0] ?? '' };
  return { kind: 'data', page };
}

/** Fetches the unusable keys and the later pages of truncated prefetch Bundles, in parallel under one deadline. */
async function fetchFromServer(
  request: CdsRequest,
  fhirServer: string,
  toFetch: readonly KeyRead[],
  truncated: readonly (KeyRead & { state: { kind: 'data'; page: ReadBundle } })[],
  deps: PatientDataDeps,
  found: Findings,
): Promise<void> {
  const { config } = deps;
  // SSRF policy: a refused server (403) or unresolvable host (412) fails the request before any connection is made.
  await checkFhirServer(fhirServer, deps.client, config.security);
  // A timer cleared once every fetch is done (abort-after.ts); after a failure it runs on, so fetches still under way
  // keep their deadline.
  const deadlineController = new AbortController();
  const deadlineTimer = abortAfter(deadlineController, config.requestDeadlineMs);
  const deadline = deadlineController.signal;
  const policy = addressPolicyFor(deps.client, config.security);
  const target: FhirTarget = { baseUrl: fhirServer, token: request.fhirAuthorization?.access_token, policy };
  const required: string[] = [];
  const fetches = toFetch.map(async (m) => {
    const error = await fetchKey(request, target, m, deps, deadline, found);
    if (error === undefined) return;
    // Rule 4: Patient or Condition not sent and not fetchable is a 412; every other failure is unreadable data.
    if (m.state.kind === 'absent' && REQUIRED_TYPES.has(m.type))
      required.push(`${describeKey(m)}, and fhirServer ${describeFailure(m, error)}`);
    else
      note(
        found.unreadable,
        m.type,
        `${m.state.kind === 'absent' ? '' : `prefetch '${m.key}' ${keyState(m)}; `}fhirServer ${describeFailure(m, error)}`,
      );
  });
  const follows = truncated.map(async (t) => {
    try {
      const [, ...more] = await followPages(target, t.state.page, config, deadline);
      for (const page of more) found.addPage(t.type, page);
    } catch (err) {
      if (!(err instanceof FhirFetchError)) throw err;
      // Rule 1: a truncated Bundle that cannot be followed is incomplete; the pages read still count.
      const why = `prefetch '${t.key}' has more pages (a next link) that could not be read: ${err.kind}: ${err.message}`;
      note(err.kind === 'too-many-entries' ? found.unreadable : found.incomplete, t.type, why);
    }
  });
  await Promise.all([...fetches, ...follows]);
  clearTimeout(deadlineTimer);
  if (required.length > 0) throw new CdsError(preconditionFailed(`Prefetch ${required.join('; ')}`));
}

/** Runs one key's query; its pages go to `found`. Resolves to the failure, if any (a 403 CdsError propagates). */
async function fetchKey(
  request: CdsRequest,
  target: FhirTarget,
  m: KeyRead,
  deps: PatientDataDeps,
  deadline: AbortSignal,
  found: Findings,
): Promise<FhirFetchError | undefined> {
  const query = fillPrefetchTemplate(m.template, request);
  if (query === undefined)
    return new FhirFetchError('unfillable-template', 'its template has a token the request gives no value for');
  try {
    const pages = await fetchQuery(target, query, m.type, deps.config, deadline);
    // The server's answer holds only error OperationOutcomes: it could not run the query either.
    const firstError = pages.flatMap((p) => p.errors)[0];
    if (firstError !== undefined && pages.every((p) => p.resources.length === 0))
      return new FhirFetchError('outcome', firstError);
    for (const page of pages) found.addPage(m.type, page);
    return undefined;
  } catch (err) {
    if (err instanceof FhirFetchError) return err;
    throw err;
  }
}

/** The resources of every page that belong to the context patient; the rest counted in `leftOut`. */
function keepPatients(pages: readonly TypedPage[], patientId: string, leftOut: LeftOut): FhirResource[] {
  const kept: FhirResource[] = [];
  for (const { page } of pages) {
    for (const r of page.resources) {
      // Tolerant of the rest: a type the pathway does not read (or no FHIR type at all) is ignored, not an error.
      if (!READ_TYPES.has(r.resourceType)) continue;
      const reason = leftOutReason(r, patientId, page.patientUrls);
      if (reason === undefined) kept.push(r);
      else leftOut.add(reason, r.resourceType);
    }
  }
  return kept;
}

/**
 * The resources as the engine may read them. One whose field the pathway reads does not fit is dropped and its type
 * noted unreadable with that field; ill-typed fields the pathway does not read are dropped from the resource
 * (src/cql/shape-guard.ts).
 */
function dropMalformed(
  resources: readonly FhirResource[],
  guard: ResourceShapeGuard,
  unreadable: Map<string, string>,
): FhirResource[] {
  return resources.flatMap((r) => {
    const { problem, resource } = guard.inspect(r);
    if (problem === undefined) return isFhirResource(resource) ? [resource] : [];
    note(unreadable, r.resourceType, describeShapeProblem(r, problem));
    return [];
  });
}

/** What every card names besides unreadable types: the EHR's and server's warnings (§2 rule 1), the resources left out. */
function notices(warnings: readonly string[], leftOut: LeftOut): DataNotices {
  return { warnings: [...warnings], leftOut: leftOut.list() };
}

/** "query 'conditions' (Condition?patient={{context.patientId}}&_count=100) failed: timeout: ..." (no URL, no id). */
function describeFailure(m: KeyRead, error: FhirFetchError): string {
  return `query '${m.key}' (${shortTemplate(m.template)}) failed: ${error.kind}: ${error.message}`;
}

/** A template short enough for a card: a long parameter value (the Observation code filter) becomes its count. */
function shortTemplate(template: string): string {
  return template.replace(/=([^&]{80,})/g, (_all, value: string) => `=(${value.split(',').length} values)`);
}

function keyState(m: KeyRead): string {
  switch (m.state.kind) {
    case 'absent':
      return 'was not sent';
    case 'outcome':
      return `held an OperationOutcome (${m.state.said})`;
    case 'malformed':
      return `held ${m.state.said}`;
    case 'empty':
      return 'was null (no data)';
    case 'data':
      return 'held data';
  }
}

function describeKey(m: KeyRead): string {
  return `'${m.key}' (${shortTemplate(m.template)}) ${keyState(m)}`;
}

function note(map: Map<string, string>, type: string, why: string): void {
  const before = map.get(type);
  // Bounded: a Bundle of a thousand malformed resources names the first few.
  if (before !== undefined && before.length > 600) return;
  map.set(type, before ? `${before}; ${truncate(why, 300)}` : truncate(why, 300));
}
