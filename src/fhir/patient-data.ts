import type { FhirResource } from 'fhir/r4.js';
import type { Config } from '../config.js';
import { CdsError, badRequest, outcome, preconditionFailed, truncate, upstreamFailed } from '../errors.js';
import type { CdsRequest, PatientData } from '../hooks/types.js';
import { PREFETCH_TEMPLATES, fillPrefetchTemplate, templateResourceType } from './prefetch.js';
import { isBundle, isFhirResource, isOperationOutcome, normalizePatientBundle, ownerOf, resourcesOf } from './bundle.js';
import { fetchQuery } from './fetch-query.js';
import { FhirFetchError } from './fetch-error.js';
import { addressPolicyFor, checkFhirServer, type VerifiedClient } from '../security/index.js';
import { describeShapeProblem, type ShapeGuard } from '../cql/shape-guard.js';
import { isObject } from '../http/validate-request.js';

/** What the data path needs besides the request. */
export interface PatientDataDeps {
  readonly config: Pick<
    Config,
    'fhirTimeoutMs' | 'requestDeadlineMs' | 'fhirMaxPages' | 'fhirMaxResponseBytes' | 'maxBundleEntries' | 'security'
  >;
  /** The CDS client whose JWT was verified (`verifiedClientOf(res)`); undefined when auth is disabled. */
  readonly client?: VerifiedClient;
  /** The service's prefetch templates (default: PREFETCH_TEMPLATES). */
  readonly templates?: Readonly<Record<string, string>>;
  /** The CQL engine's shape guard (`engine.shapeGuard`): a resource that does not fit is dropped, its type unreadable. */
  readonly shapeGuard: ShapeGuard;
}

/** Not sent at all and not fetchable: the pathway cannot even start (CDS Hooks: data neither prefetched nor fetchable). */
const REQUIRED_TYPES: ReadonlySet<string> = new Set(['Patient', 'Condition']);

interface MissingKey {
  readonly key: string;
  readonly template: string;
  readonly type: string;
  /** Why the prefetch value was not usable: not sent (absent or null), the EHR's failed read, or not a FHIR answer. */
  readonly prefetch: 'absent' | 'OperationOutcome' | 'malformed';
  /** What the EHR said (an OperationOutcome's first issue) or held, for the unreadable reason. */
  readonly said?: string;
}

/**
 * The patient's data for a hook: the prefetch the EHR sent, plus every key it did not send (absent, null, an
 * OperationOutcome or something that is no FHIR answer) fetched from `fhirServer` in parallel, merged into one
 * de-duplicated collection Bundle of resources that fit the engine's FHIR model. PATHWAY.md §2 "Unreadable data": a
 * type whose key failed both ways (or that held a malformed resource) goes to `unreadable`, Condition included (the
 * D-DATA-UNAVAILABLE card); an unreadable Patient becomes an id-only Patient (age unavailable).
 * Throws CdsError 412 when Patient or Condition was simply not sent and there is no fhirServer, or when the Patient
 * resource is not there at all; when fhirServer answered no query and the prefetch held no other data, 502 if it could
 * not be reached, else 412.
 */
export async function loadPatientData(request: CdsRequest, deps: PatientDataDeps): Promise<PatientData> {
  const patientId = request.context.patientId;
  if (typeof patientId !== 'string') throw new CdsError(badRequest('`context.patientId` is required', ['context.patientId']));
  const { config } = deps;
  const templates = deps.templates ?? PREFETCH_TEMPLATES;
  const resources: FhirResource[] = [];
  const missing: MissingKey[] = [];
  let prefetchedOther = false;
  for (const [key, template] of Object.entries(templates)) {
    const value = request.prefetch?.[key];
    const type = templateResourceType(template);
    if (isUsablePrefetch(value)) {
      if (isBundle(value) && (value.entry?.length ?? 0) > config.maxBundleEntries) {
        throw new CdsError(
          outcome('body-too-large', `prefetch '${key}' holds more than ${config.maxBundleEntries} entries`, [`prefetch.${key}`]),
        );
      }
      resources.push(...resourcesOf(value));
      if (type !== 'Patient') prefetchedOther = true;
    } else {
      missing.push({ key, template, type, ...prefetchProblem(value) });
    }
  }
  const unreadable = new Map<string, string>();
  if (missing.length > 0 && request.fhirServer === undefined) {
    // Only a key the EHR did not send at all is a 412: one it tried to read and could not is unreadable data (§2).
    const required = missing.filter((m) => REQUIRED_TYPES.has(m.type) && m.prefetch === 'absent');
    if (required.length > 0) {
      throw new CdsError(
        preconditionFailed(
          `Prefetch ${required.map(describeMissing).join(', ')}, and no fhirServer was given to fetch ` +
            `${required.length > 1 ? 'them' : 'it'} from`,
        ),
      );
    }
    for (const m of missing) note(unreadable, m.type, `prefetch '${m.key}' ${prefetchState(m)} and no fhirServer was given`);
  } else if (missing.length > 0 && request.fhirServer !== undefined) {
    resources.push(...(await fetchMissing(request, request.fhirServer, missing, deps, unreadable, prefetchedOther)));
  }
  const fitting = dropMalformed(resources, patientId, deps.shapeGuard, unreadable);
  // The CQL patient context is the Patient resource. An unreadable Patient (failed read, malformed resource) leaves age
  // unknown (PATHWAY.md §2), so the patient is just its id then; a Patient that is simply not there (a `patient` key
  // holding something else, or a Patient with another id) is a 412.
  const hasPatient = fitting.some((r) => r.resourceType === 'Patient' && r.id === patientId);
  const asksPatient = Object.values(templates).some((t) => templateResourceType(t) === 'Patient');
  if (!hasPatient && asksPatient && !unreadable.has('Patient')) {
    throw new CdsError(preconditionFailed('Neither prefetch nor fhirServer gave the Patient resource of context.patientId'));
  }
  if (!hasPatient) fitting.push({ resourceType: 'Patient', id: patientId });
  return { bundle: normalizePatientBundle(fitting, patientId), unreadable };
}

/**
 * The resources as the engine may read them. One whose field the pathway reads does not fit is dropped and its type
 * noted unreadable with that field, unless it says it belongs to another patient (dropped later anyway, it says
 * nothing of this one); ill-typed fields the pathway does not read are dropped from the resource (src/cql/shape-guard.ts).
 */
function dropMalformed(
  resources: readonly FhirResource[],
  patientId: string,
  guard: ShapeGuard,
  unreadable: Map<string, string>,
): FhirResource[] {
  return resources.flatMap((r) => {
    const { problem, resource } = guard.inspect(r);
    if (problem === undefined) return isFhirResource(resource) ? [resource] : [];
    const owner = ownerOf(r);
    if (owner === undefined || owner === patientId) note(unreadable, r.resourceType, describeShapeProblem(r, problem));
    return [];
  });
}

/** Fetches the missing keys in parallel under one deadline; applies the failure policy (PATHWAY.md §2). */
async function fetchMissing(
  request: CdsRequest,
  fhirServer: string,
  missing: readonly MissingKey[],
  deps: PatientDataDeps,
  unreadable: Map<string, string>,
  prefetchedOther: boolean,
): Promise<FhirResource[]> {
  const { config } = deps;
  // SSRF policy: a refused server (403) or unresolvable host (412) fails the request before any connection is made.
  await checkFhirServer(fhirServer, deps.client, config.security);
  const deadline = AbortSignal.timeout(config.requestDeadlineMs);
  const policy = addressPolicyFor(deps.client, config.security);
  const target = { baseUrl: fhirServer, token: request.fhirAuthorization?.access_token, policy };
  const results = await Promise.all(
    missing.map(async (m) => {
      const query = fillPrefetchTemplate(m.template, request);
      if (query === undefined) {
        return { m, error: new FhirFetchError('unfillable-template', 'its template has a token the request gives no value for') };
      }
      try {
        return { m, resources: await fetchQuery(target, query, m.type, config, deadline) };
      } catch (err) {
        if (err instanceof FhirFetchError) return { m, error: err };
        throw err;
      }
    }),
  );
  const failures = results.flatMap((r) => (r.error ? [{ m: r.m, error: r.error }] : []));
  const first = failures[0];
  // The server answered nothing and the prefetch held nothing but (at most) the Patient: nothing is known about the
  // patient, so no card could be honest. An unreachable server is the upstream's failure (502), anything else a 412.
  if (first && failures.length === results.length && !prefetchedOther) {
    if (failures.every((f) => f.error.kind === 'unreachable')) {
      throw new CdsError(
        upstreamFailed(`The FHIR server (fhirServer) could not be reached for any query: ${first.error.message}`),
        { cause: first.error },
      );
    }
    throw new CdsError(
      preconditionFailed(`The FHIR server (fhirServer) answered no query: ${failures.map(({ m, error }) => describeFailure(m, error)).join('; ')}`),
      { cause: first.error },
    );
  }
  for (const { m, error } of failures) {
    const prefix = m.prefetch === 'absent' ? '' : `prefetch '${m.key}' ${prefetchState(m)}; `;
    note(unreadable, m.type, `${prefix}fhirServer ${describeFailure(m, error)}`);
  }
  return results.flatMap((r) => r.resources ?? []);
}

/** "query 'conditions' (Condition?patient={{context.patientId}}&_count=100) failed: timeout: ..." (no URL, no id). */
function describeFailure(m: MissingKey, error: FhirFetchError): string {
  return `query '${m.key}' (${m.template}) failed: ${error.kind}: ${error.message}`;
}

/** A prefetch value that can stand in for its query: a resource or Bundle, not null and not an OperationOutcome. */
function isUsablePrefetch(value: unknown): boolean {
  // A Bundle whose `entry` is not a list says nothing about the data: unreadable, never silently empty.
  if (isBundle(value) && value.entry !== undefined && !Array.isArray(value.entry)) return false;
  return isFhirResource(value) && !isOperationOutcome(value);
}

/** Why an unusable prefetch value is unusable. */
function prefetchProblem(value: unknown): Pick<MissingKey, 'prefetch' | 'said'> {
  if (value === undefined || value === null) return { prefetch: 'absent' };
  if (isOperationOutcome(value)) return { prefetch: 'OperationOutcome', said: outcomeSays(value) };
  return { prefetch: 'malformed', said: isFhirResource(value) ? `a ${truncate(value.resourceType, 40)} that cannot be read` : 'not a FHIR resource' };
}

/** The first issue of an OperationOutcome, short: "exception: upstream timeout". */
function outcomeSays(value: unknown): string | undefined {
  const issues: unknown = isObject(value) ? value.issue : undefined;
  const issue: unknown = Array.isArray(issues) ? issues[0] : undefined;
  if (!isObject(issue)) return undefined;
  const parts = [issue.code, issue.diagnostics].filter((x): x is string => typeof x === 'string' && x !== '');
  return parts.length > 0 ? truncate(parts.join(': '), 120) : undefined;
}

function prefetchState(m: MissingKey): string {
  switch (m.prefetch) {
    case 'absent':
      return 'was not sent';
    case 'OperationOutcome':
      return `held an OperationOutcome${m.said !== undefined ? ` (${m.said})` : ''}`;
    case 'malformed':
      return `held ${m.said ?? 'something that is not FHIR'}`;
  }
}

function describeMissing(m: MissingKey): string {
  return `'${m.key}' (${m.template}) ${prefetchState(m)}`;
}

function note(unreadable: Map<string, string>, type: string, why: string): void {
  const before = unreadable.get(type);
  // Bounded: a Bundle of a thousand malformed resources names the first few.
  if (before !== undefined && before.length > 600) return;
  unreadable.set(type, before ? `${before}; ${why}` : why);
}
