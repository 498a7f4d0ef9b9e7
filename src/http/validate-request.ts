import { CdsError, badRequest, outcome } from '../errors.js';
import type { CdsRequest, FhirAuthorization } from '../shared/cds-hooks.js';
import { isRecord } from '../shared/guards.js';
import { FHIR_ID } from '../shared/fhir-id.js';

/** Which `context` fields each hook requires, and their JSON types (https://cds-hooks.hl7.org/hooks/). */
const REQUIRED_CONTEXT: Readonly<Record<string, Readonly<Record<string, 'string' | 'object' | 'array'>>>> = {
  'patient-view': { userId: 'string', patientId: 'string' },
  'order-select': { userId: 'string', patientId: 'string', selections: 'array', draftOrders: 'object' },
  'order-sign': { userId: 'string', patientId: 'string', draftOrders: 'object' },
};

const typeOfJson = (v: unknown): string => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);

/** Narrows an unknown body to a CdsRequest for `hook`, or throws a 400 CdsError naming the first problem. */
export function validateCdsRequest(body: unknown, hook: string): CdsRequest {
  if (!isRecord(body)) throw new CdsError(badRequest('Request body must be a JSON object'));
  // Recursive code further on (JSON.stringify, the FHIR model) would overflow the stack on a 10,000-deep value.
  if (isNestedDeeperThan(body, MAX_JSON_DEPTH)) {
    throw new CdsError(badRequest(`Request body is nested more than ${MAX_JSON_DEPTH} levels deep`));
  }
  const fail = (msg: string, path: string): never => {
    throw new CdsError(badRequest(msg, [path]));
  };
  if (typeof body.hook !== 'string') fail('`hook` is required and must be a string', 'hook');
  if (body.hook !== hook) {
    throw new CdsError(
      outcome('hook-mismatch', `This service answers the '${hook}' hook, not '${String(body.hook).slice(0, 60)}'`, [
        'hook',
      ]),
    );
  }
  if (typeof body.hookInstance !== 'string' || body.hookInstance.length === 0 || body.hookInstance.length > 200) {
    fail('`hookInstance` is required and must be a non-empty string (a UUID)', 'hookInstance');
  }
  if (body.fhirServer !== undefined && (typeof body.fhirServer !== 'string' || !isHttpUrl(body.fhirServer))) {
    fail('`fhirServer` must be an absolute http(s) URL', 'fhirServer');
  }
  if (body.fhirAuthorization !== undefined && body.fhirAuthorization !== null) {
    validateAuthorization(body.fhirAuthorization, fail);
    if (body.fhirServer === undefined) fail('`fhirAuthorization` is given without `fhirServer`', 'fhirAuthorization');
  }
  if (!isRecord(body.context)) fail('`context` is required and must be an object', 'context');
  const context = body.context as Record<string, unknown>;
  const required = REQUIRED_CONTEXT[hook] ?? {};
  for (const [field, type] of Object.entries(required)) {
    const value = context[field];
    if (value === undefined || value === null) fail(`\`context.${field}\` is required for ${hook}`, `context.${field}`);
    if (typeOfJson(value) !== type) {
      fail(`\`context.${field}\` must be of type ${type}, not ${typeOfJson(value)}`, `context.${field}`);
    }
  }
  if (typeof context.patientId === 'string' && !FHIR_ID.test(context.patientId)) {
    fail('`context.patientId` must be a FHIR id ([A-Za-z0-9-.], 1-64 characters)', 'context.patientId');
  }
  if (body.prefetch !== undefined && body.prefetch !== null && !isRecord(body.prefetch)) {
    fail('`prefetch` must be an object keyed by prefetch template name', 'prefetch');
  }
  return body as unknown as CdsRequest;
}

function validateAuthorization(v: unknown, fail: (msg: string, path: string) => never): asserts v is FhirAuthorization {
  if (!isRecord(v)) fail('`fhirAuthorization` must be an object', 'fhirAuthorization');
  const a = v;
  if (typeof a.access_token !== 'string' || a.access_token.length === 0) {
    fail('`fhirAuthorization.access_token` must be a non-empty string', 'fhirAuthorization.access_token');
  }
  if (a.token_type !== undefined && (typeof a.token_type !== 'string' || a.token_type.toLowerCase() !== 'bearer')) {
    fail('`fhirAuthorization.token_type` must be "Bearer"', 'fhirAuthorization.token_type');
  }
}

/** Far deeper than any CDS request with FHIR resources (about 20 levels), far shallower than the stack allows. */
const MAX_JSON_DEPTH = 100;

/**
 * True when `value` is or holds an object/array more than `max` levels deep. The recursion stops `max` levels down, so
 * the check itself cannot overflow the stack (100 frames), and it allocates nothing: the walk with a stack of
 * `{ value, depth }` items and an `Object.values` array per object it replaced cost 3 % of a 5-year chart's request
 * (bench/profile.md, "Tenth pass").
 */
function isNestedDeeperThan(value: unknown, max: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (max <= 0) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (isNestedDeeperThan(item, max - 1)) return true;
    return false;
  }
  if (!isRecord(value)) return false;
  // A parsed JSON body: plain objects, whose keys are all own and enumerable.
  for (const key in value) if (isNestedDeeperThan(value[key], max - 1)) return true;
  return false;
}

function isHttpUrl(s: string): boolean {
  if (!URL.canParse(s)) return false;
  const u = new URL(s);
  return u.protocol === 'http:' || u.protocol === 'https:';
}
