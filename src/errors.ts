import type { OperationOutcome, OperationOutcomeIssue } from 'fhir/r4.js';

/**
 * The catalogue of error cases: each has a stable code (sent as `issue[0].details.coding[0].code`),
 * the FHIR issue type and the HTTP status it maps to. One place, so a status never drifts from its case.
 */
export const ERROR_CASES = {
  'malformed-json': { status: 400, type: 'invalid' },
  'invalid-request': { status: 400, type: 'invalid' },
  'hook-mismatch': { status: 400, type: 'invalid' },
  unauthorized: { status: 401, type: 'login' },
  forbidden: { status: 403, type: 'forbidden' },
  'unknown-service': { status: 404, type: 'not-found' },
  'not-found': { status: 404, type: 'not-found' },
  'body-too-large': { status: 413, type: 'too-costly' },
  'precondition-failed': { status: 412, type: 'incomplete' },
  'fhir-upstream': { status: 502, type: 'transient' },
  'not-ready': { status: 503, type: 'transient' },
  overloaded: { status: 503, type: 'throttled' },
  'state-unavailable': { status: 503, type: 'transient' },
  internal: { status: 500, type: 'exception' },
} as const satisfies Record<string, { status: number; type: OperationOutcomeIssue['code'] }>;

export type ErrorCode = keyof typeof ERROR_CASES;

const ERROR_CODE_SYSTEM = 'http://sts-pathway-cds.org/fhir/CodeSystem/error';

/** Builds an OperationOutcome for one catalogued error case. */
export function outcome(code: ErrorCode, diagnostics: string, expression?: string[]): OperationOutcome {
  const issue: OperationOutcomeIssue = {
    severity: 'error',
    code: ERROR_CASES[code].type,
    details: { coding: [{ system: ERROR_CODE_SYSTEM, code }] },
    diagnostics,
  };
  if (expression && expression.length > 0) issue.expression = expression;
  return { resourceType: 'OperationOutcome', issue: [issue] };
}

export const badRequest = (diagnostics: string, expression?: string[]): OperationOutcome =>
  outcome('invalid-request', diagnostics, expression);
export const preconditionFailed = (diagnostics: string): OperationOutcome =>
  outcome('precondition-failed', diagnostics);
export const upstreamFailed = (diagnostics: string): OperationOutcome => outcome('fhir-upstream', diagnostics);
export const unauthorized = (diagnostics: string): OperationOutcome => outcome('unauthorized', diagnostics);
export const forbidden = (diagnostics: string): OperationOutcome => outcome('forbidden', diagnostics);
export const unknownService = (id: string): OperationOutcome =>
  outcome('unknown-service', `No CDS service with id '${truncate(id, 80)}'; GET /cds-services lists them`);
export const internalError = (): OperationOutcome =>
  outcome('internal', 'Internal error in the CDS service; it has been logged');

/** The error code an outcome was built with, if it came from `outcome()`. */
export function errorCodeOf(o: OperationOutcome): ErrorCode {
  const code = o.issue[0]?.details?.coding?.[0]?.code;
  return code !== undefined && Object.hasOwn(ERROR_CASES, code) ? (code as ErrorCode) : 'internal';
}

/** The HTTP status for an outcome, derived in this one place. */
export function statusOf(o: OperationOutcome): number {
  return ERROR_CASES[errorCodeOf(o)].status;
}

/** The one error class the service throws for anything that becomes an HTTP error response. */
export class CdsError extends Error {
  /** Seconds the client should wait before retrying (sent as Retry-After with a 503). */
  readonly retryAfterS: number | undefined;

  constructor(
    readonly outcome: OperationOutcome,
    opts?: { cause?: unknown; retryAfterS?: number },
  ) {
    super(outcome.issue[0]?.diagnostics ?? 'CDS error', opts);
    this.name = 'CdsError';
    this.retryAfterS = opts?.retryAfterS;
  }

  get status(): number {
    return statusOf(this.outcome);
  }
}

/** Shortens user-supplied text before it is echoed in a diagnostic. */
export function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}
