import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { CdsError, errorCodeOf, internalError, outcome, statusOf } from '../errors.js';
import type { Logger } from '../log.js';

/** Body-parser errors carry a `type` and a `status`; nothing else is read from them. */
function bodyParserType(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'type' in err && typeof err.type === 'string') return err.type;
  return undefined;
}

/**
 * The one place errors become HTTP responses: a CdsError sends its OperationOutcome; body-parser failures map to
 * 400/413; anything else is a 500 with a generic text, logged without request data.
 */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    let body;
    if (err instanceof CdsError) {
      body = err.outcome;
      // A Redis outage refuses every JWT call: one short line each (the outage itself is logged once by
      // src/shared-state/redis.ts, with its cause), not a stack per request.
      const code = errorCodeOf(err.outcome);
      if (code === 'state-unavailable')
        logRefusal(log, req, err.status, 'state-unavailable', err.message, 'unavailable');
      else if (code === 'fhir-upstream') {
        log.warn(
          { kind: 'upstream-failure', status: err.status, reason: err.message, cause: describeCause(err.cause) },
          'upstream failure',
        );
      } else if (code === 'not-ready' || code === 'overloaded') {
        log.warn({ kind: 'unavailable', status: err.status, error: code, reason: err.message }, 'service unavailable');
      } else if (err.status >= 500) {
        // A 500 the service raised itself is a bug in it, not a fault of the EHR or the FHIR server.
        log.error(
          {
            kind: 'internal-bug',
            status: err.status,
            error: code,
            reason: err.message,
            cause: describeCause(err.cause),
          },
          'internal error',
        );
      } else if (LOGGED_REFUSALS.has(err.status)) logRefusal(log, req, err.status, code, err.message);
    } else {
      switch (bodyParserType(err)) {
        case 'entity.parse.failed':
          body = outcome('malformed-json', 'Request body is not valid JSON');
          break;
        case 'entity.too.large':
          body = outcome('body-too-large', 'Request body is larger than this service accepts');
          break;
        case 'encoding.unsupported':
        case 'charset.unsupported':
          body = outcome('invalid-request', 'Request body encoding is not supported; send UTF-8 JSON');
          break;
        case 'request.aborted':
          body = outcome('invalid-request', 'Request body was not received completely');
          break;
        default:
          log.error({ kind: 'internal-bug', err: describeCause(err) }, 'unhandled error');
          body = internalError();
      }
    }
    if (!(err instanceof CdsError) && statusOf(body) === 400)
      logRefusal(log, req, 400, errorCodeOf(body), body.issue[0]?.diagnostics ?? '');
    if (res.headersSent) return;
    if (err instanceof CdsError && err.retryAfterS !== undefined) res.setHeader('Retry-After', String(err.retryAfterS));
    res.status(statusOf(body)).type('application/fhir+json').json(body);
  };
}

/** A 404 for any route this service does not have. */
export const notFoundHandler: RequestHandler = (req, res) => {
  const body = outcome('not-found', `No such endpoint: ${req.method} ${req.path.slice(0, 100)}`);
  res.status(404).type('application/fhir+json').json(body);
};

/** An error's name, message and stack for the log; never request data. */
function describeCause(err: unknown): Record<string, unknown> | undefined {
  if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack };
  if (err === undefined) return undefined;
  // String() on purpose: an Error of another realm (a VM context) prints its name and message, a plain object only
  // "[object Object]" (its fields may hold request data).
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  return { value: String(err).slice(0, 200) };
}

/** Answers an operator wants to see (a misconfigured client or EHR): 400, 403 and 412 (issue 15, "Also"). */
const LOGGED_REFUSALS: ReadonlySet<number> = new Set([400, 403, 412]);

/** What went wrong, for whoever reads the logs: the caller, a server we depend on, capacity, or a bug of ours. */
type LogKind = 'client-error' | 'upstream-failure' | 'unavailable' | 'internal-bug';

/**
 * One line per refused request (kind `client-error` unless given: the EHR's request or credentials): status, error
 * code, the route and the reason. The reasons are the service's own
 * diagnostics, which name prefetch templates and fields, never a token or a patient id (the id is never echoed).
 */
function logRefusal(
  log: Logger,
  req: Request,
  status: number,
  code: string,
  reason: string,
  kind: LogKind = 'client-error',
): void {
  log.warn(
    {
      kind,
      status,
      error: code,
      method: req.method,
      path: `${req.baseUrl}${req.path}`.slice(0, 200),
      reason: reason.slice(0, 500),
    },
    'request refused',
  );
}
