/**
 * What one request carries through everything it calls, without threading it through every signature
 * (AsyncLocalStorage): its request id, which every log line written while serving it carries (src/log.ts), the W3C
 * trace context it came with, which every FHIR call it makes passes on (src/fhir/outbound.ts), and where those calls
 * are counted (src/observability/metrics.ts).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes, randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

/** A parsed W3C `traceparent` (https://www.w3.org/TR/trace-context/#traceparent-header). */
export interface TraceParent {
  readonly traceId: string;
  readonly parentId: string;
  readonly flags: string;
}

/** Where the FHIR calls of a request are counted. */
export interface FetchObserver {
  /** One FHIR call to `host` (host[:port] only: never a path, query or token) took `seconds`; `failure` names why it failed. */
  fhirFetch(host: string, seconds: number, failure: string | undefined): void;
}

export interface RequestContext {
  /** The request's id: a sane incoming `x-request-id`, else a new UUID. Sent back in `x-request-id`. */
  readonly requestId: string;
  readonly trace?: TraceParent;
  /** The incoming `tracestate`, passed on unchanged with the trace. */
  readonly traceState?: string;
  readonly observer?: FetchObserver;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** The context of the request being served, if any (a timer or a queue writer outside a request has none). */
export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}

/**
 * An incoming request id is kept when it is a plain token (a UUID, hex, or a proxy's id: letters, digits, `.`, `_`,
 * `:`, `-`, at most 128): anything else could forge log structure or smuggle data, and is replaced.
 */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Mount first: gives the request its context, and echoes its id in the response's `x-request-id`. */
export function requestContext(observer?: FetchObserver): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming !== undefined && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('x-request-id', requestId);
    const trace = parseTraceparent(req.get('traceparent'));
    const state = trace ? req.get('tracestate') : undefined;
    // tracestate: at most 512 characters of printable ASCII (W3C trace-context, "tracestate Header Field Values");
    // anything else is dropped rather than passed on.
    const traceState = state !== undefined && state.length <= 512 && /^[\x20-\x7e]*$/.test(state) ? state : undefined;
    storage.run(
      {
        requestId,
        ...(trace ? { trace } : {}),
        ...(traceState ? { traceState } : {}),
        ...(observer ? { observer } : {}),
      },
      next,
    );
  };
}

const ZERO_TRACE = '0'.repeat(32);
const ZERO_PARENT = '0'.repeat(16);

/**
 * Parses a `traceparent` header per W3C Trace Context level 1: `version-traceid-parentid-flags`, lowercase hex,
 * version `ff` invalid, an all-zero trace or parent id invalid, version `00` exactly 55 characters; a later version
 * may append `-` and more fields, which are ignored (section "Versioning of traceparent"). Undefined when invalid.
 */
export function parseTraceparent(header: string | undefined): TraceParent | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  const m = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/.exec(value);
  if (!m) return undefined;
  const [, version, traceId, parentId, flags, rest] = m;
  if (version === undefined || traceId === undefined || parentId === undefined || flags === undefined) return undefined;
  if (version === 'ff') return undefined;
  if (version === '00' && rest !== undefined) return undefined;
  if (traceId === ZERO_TRACE || parentId === ZERO_PARENT) return undefined;
  return { traceId, parentId, flags };
}

/**
 * The `traceparent` of a call this service makes within `trace`: same trace id, a new span id (this call is a child
 * of the caller's span), version 00, and the caller's sampled flag (the only flag version 00 defines).
 */
export function childTraceparent(trace: TraceParent): string {
  let spanId = randomBytes(8).toString('hex');
  while (spanId === ZERO_PARENT) spanId = randomBytes(8).toString('hex');
  const sampled = (Number.parseInt(trace.flags, 16) & 0x01).toString(16).padStart(2, '0');
  return `00-${trace.traceId}-${spanId}-${sampled}`;
}

/** Headers that carry the current request's trace to an outbound call (none outside a traced request). */
export function outboundTraceHeaders(): Record<string, string> {
  const context = currentRequest();
  if (context?.trace === undefined) return {};
  return {
    traceparent: childTraceparent(context.trace),
    ...(context.traceState ? { tracestate: context.traceState } : {}),
  };
}
