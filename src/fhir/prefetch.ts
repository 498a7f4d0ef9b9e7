import type { Resource } from 'fhir/r4.js';
import type { CdsRequest } from '../shared/cds-hooks.js';
import { OBSERVATION_CODES } from '../pathway/codes.js';

/**
 * `code=` of the Observation query (PATHWAY.md §2 "Queries"): every §7.3 and F10 code as `system|code`, from the
 * pathway's code definitions, so unrelated Observations (vital signs, laboratory panels) cannot push the pathway's
 * facts past the page limit.
 */
export const OBSERVATION_CODE_FILTER: string = [
  ...new Set(Object.values(OBSERVATION_CODES).flatMap((codes) => codes.map((c) => `${c.system}|${c.code}`))),
].join(',');

/**
 * Prefetch templates: queries any FHIR R4 EHR API answers (a read and patient-scoped type searches); Observations
 * filtered by the pathway's codes and sorted newest first (§2 "Queries").
 * https://cds-hooks.hl7.org/2.0/#prefetch-template
 */
export const PREFETCH_TEMPLATES: Readonly<Record<string, string>> = Object.freeze({
  patient: 'Patient/{{context.patientId}}',
  conditions: 'Condition?patient={{context.patientId}}&_count=100',
  observations: `Observation?patient={{context.patientId}}&code=${OBSERVATION_CODE_FILTER}&_sort=-date&_count=200`,
  medicationRequests: 'MedicationRequest?patient={{context.patientId}}&_count=100',
  medicationAdministrations: 'MedicationAdministration?patient={{context.patientId}}&_count=100',
  medicationStatements: 'MedicationStatement?patient={{context.patientId}}&_count=100',
  procedures: 'Procedure?patient={{context.patientId}}&_count=100',
});

/** The resource type a template reads or searches (`Condition?...` -> `Condition`). */
export function templateResourceType(template: string): string {
  return template.split(/[/?]/, 1)[0] ?? template;
}

/** True when the template is a read (`Type/id`) rather than a search. */
export function isReadTemplate(template: string): boolean {
  return !template.includes('?') && template.includes('/');
}

/**
 * The prefetch an EHR would send for a patient's `resources`: under each template's key, a read's first resource of
 * its type, or a searchset Bundle of every resource of its type (the demo patients' start-up warm-up, the bench and
 * the tests build requests this way).
 */
export function prefetchFromResources(resources: readonly Resource[]): Record<string, unknown> {
  const prefetch: Record<string, unknown> = {};
  for (const [key, template] of Object.entries(PREFETCH_TEMPLATES)) {
    const ofType = resources.filter((r) => r.resourceType === templateResourceType(template));
    prefetch[key] = isReadTemplate(template)
      ? ofType[0]
      : {
          resourceType: 'Bundle',
          type: 'searchset',
          total: ofType.length,
          entry: ofType.map((resource) => ({ resource })),
        };
  }
  return prefetch;
}

/** The user tokens of https://cds-hooks.hl7.org/2.0/#prefetch-tokens, each the id part of `context.userId` of that type. */
const USER_TOKENS: Readonly<Record<string, string>> = {
  userPractitionerId: 'Practitioner',
  userPractitionerRoleId: 'PractitionerRole',
  userPatientId: 'Patient',
  userRelatedPersonId: 'RelatedPerson',
};

/**
 * Fills a prefetch template's `{{context.<field>}}` and `{{user...Id}}` tokens from the request (values URL-encoded).
 * Returns undefined when a token has no value (a context field missing or not a string, or a user of another type),
 * as the query cannot then be asked.
 */
export function fillPrefetchTemplate(template: string, request: Pick<CdsRequest, 'context'>): string | undefined {
  let unfilled = false;
  const filled = template.replace(/\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g, (_token, name: string) => {
    const value = tokenValue(name, request.context);
    if (value === undefined || value === '') {
      unfilled = true;
      return '';
    }
    return encodeURIComponent(value);
  });
  return unfilled ? undefined : filled;
}

function tokenValue(name: string, context: Readonly<Record<string, unknown>>): string | undefined {
  if (name.startsWith('context.')) {
    const value = context[name.slice('context.'.length)];
    return typeof value === 'string' ? value : undefined;
  }
  const userType = USER_TOKENS[name];
  if (userType === undefined || typeof context.userId !== 'string') return undefined;
  const [type, id, ...rest] = context.userId.split('/');
  return type === userType && id && rest.length === 0 ? id : undefined;
}
