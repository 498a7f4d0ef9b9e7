import type { FhirResource } from 'fhir/r4.js';
import type { Config } from '../config.js';
import { CdsError, badRequest, outcome, preconditionFailed, upstreamFailed } from '../errors.js';
import type { CdsRequest, PatientData } from '../hooks/types.js';
import { PREFETCH_TEMPLATES, fillPrefetchTemplate, templateResourceType } from './prefetch.js';
import { isBundle, isFhirResource, isOperationOutcome, normalizePatientBundle, resourcesOf } from './bundle.js';
import { fetchQuery } from './fetch-query.js';
import { FhirFetchError } from './fetch-error.js';
import { addressPolicyFor, checkFhirServer, type VerifiedClient } from '../security/index.js';

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
}

/** Without these the pathway cannot place the patient: never silently absent (PATHWAY.md §2). */
const REQUIRED_TYPES: ReadonlySet<string> = new Set(['Patient', 'Condition']);
/** Failing this on the FHIR server means no card can be computed: 412 rather than a degraded answer. */
const BLOCKING_TYPES: ReadonlySet<string> = new Set(['Condition']);

interface MissingKey {
  readonly key: string;
  readonly template: string;
  readonly type: string;
  /** Why the prefetch value was not usable. */
  readonly prefetch: 'absent' | 'OperationOutcome';
}

/**
 * The patient's data for a hook: the prefetch the EHR sent, plus every key it did not send (absent, null or an
 * OperationOutcome) fetched from `fhirServer` in parallel, merged into one de-duplicated collection Bundle.
 * Throws CdsError 412 when Patient or Condition data can be had neither way (or the Condition query fails),
 * 502 when the FHIR server cannot be reached for any of the keys; other failed types go to `unreadable`.
 */
export async function loadPatientData(request: CdsRequest, deps: PatientDataDeps): Promise<PatientData> {
  const patientId = request.context.patientId;
  if (typeof patientId !== 'string') throw new CdsError(badRequest('`context.patientId` is required', ['context.patientId']));
  const { config } = deps;
  const resources: FhirResource[] = [];
  const missing: MissingKey[] = [];
  for (const [key, template] of Object.entries(deps.templates ?? PREFETCH_TEMPLATES)) {
    const value = request.prefetch?.[key];
    const type = templateResourceType(template);
    if (isUsablePrefetch(value)) {
      if (isBundle(value) && (value.entry?.length ?? 0) > config.maxBundleEntries) {
        throw new CdsError(
          outcome('body-too-large', `prefetch '${key}' holds more than ${config.maxBundleEntries} entries`, [`prefetch.${key}`]),
        );
      }
      resources.push(...resourcesOf(value));
    } else {
      missing.push({ key, template, type, prefetch: isOperationOutcome(value) ? 'OperationOutcome' : 'absent' });
    }
  }
  const unreadable = new Map<string, string>();
  if (missing.length > 0 && request.fhirServer === undefined) {
    const required = missing.filter((m) => REQUIRED_TYPES.has(m.type));
    if (required.length > 0) {
      throw new CdsError(
        preconditionFailed(
          `Prefetch ${required.map(describeMissing).join(', ')}, and no fhirServer was given to fetch ` +
            `${required.length > 1 ? 'them' : 'it'} from`,
        ),
      );
    }
    for (const m of missing) note(unreadable, m.type, `prefetch '${m.key}' ${prefetchState(m)} and no fhirServer given`);
  } else if (missing.length > 0 && request.fhirServer !== undefined) {
    resources.push(...(await fetchMissing(request, request.fhirServer, missing, deps, unreadable)));
  }
  // The CQL patient context is the Patient resource. An unreadable (or never asked for) Patient leaves age unknown
  // (PATHWAY.md §2), so the patient is just its id then; a Patient that is simply not there (a `patient` key holding
  // something else, or a Patient with another id) is a 412.
  const hasPatient = resources.some((r) => r.resourceType === 'Patient' && r.id === patientId);
  const asksPatient = Object.values(deps.templates ?? PREFETCH_TEMPLATES).some((t) => templateResourceType(t) === 'Patient');
  if (!hasPatient && asksPatient && !unreadable.has('Patient')) {
    throw new CdsError(preconditionFailed('Neither prefetch nor fhirServer gave the Patient resource of context.patientId'));
  }
  if (!hasPatient) resources.push({ resourceType: 'Patient', id: patientId });
  return { bundle: normalizePatientBundle(resources, patientId), unreadable };
}

/** Fetches the missing keys in parallel under one deadline; applies the failure policy. */
async function fetchMissing(
  request: CdsRequest,
  fhirServer: string,
  missing: readonly MissingKey[],
  deps: PatientDataDeps,
  unreadable: Map<string, string>,
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
  if (first && failures.length === results.length && failures.every((f) => f.error.kind === 'unreachable')) {
    throw new CdsError(
      upstreamFailed(`The FHIR server (fhirServer) could not be reached for any query: ${first.error.message}`),
      { cause: first.error },
    );
  }
  const blocking = failures.find((f) => BLOCKING_TYPES.has(f.m.type));
  if (blocking) {
    throw new CdsError(
      preconditionFailed(
        `Could not read '${blocking.m.key}' (${blocking.m.template}) from fhirServer: ` +
          `${blocking.error.kind}: ${blocking.error.message}`,
      ),
      { cause: blocking.error },
    );
  }
  for (const { m, error } of failures) {
    const prefix = m.prefetch === 'OperationOutcome' ? `prefetch '${m.key}' held an OperationOutcome; ` : '';
    note(unreadable, m.type, `${prefix}fhirServer query '${m.key}' failed: ${error.kind}: ${error.message}`);
  }
  return results.flatMap((r) => r.resources ?? []);
}

/** A prefetch value that can stand in for its query: a resource or Bundle, not null and not an OperationOutcome. */
function isUsablePrefetch(value: unknown): boolean {
  // A Bundle whose `entry` is not a list says nothing about the data: as good as absent (never silently empty).
  if (isBundle(value) && value.entry !== undefined && !Array.isArray(value.entry)) return false;
  return isFhirResource(value) && !isOperationOutcome(value);
}

function prefetchState(m: MissingKey): string {
  return m.prefetch === 'OperationOutcome' ? 'held an OperationOutcome' : 'was not sent';
}

function describeMissing(m: MissingKey): string {
  return `'${m.key}' (${m.template}) ${prefetchState(m)}`;
}

function note(unreadable: Map<string, string>, type: string, why: string): void {
  const before = unreadable.get(type);
  unreadable.set(type, before ? `${before}; ${why}` : why);
}
