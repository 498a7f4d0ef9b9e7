import { isIP } from 'node:net';
import { CdsError, forbidden } from '../errors.js';
import { addressRefusal, createGuardedLookup, type AddressPolicy } from '../security/index.js';
import { nodeGlobalDispatcher } from './undici-agent.js';
import { FhirFetchError } from './fetch-error.js';
import { JsonLimitScanner } from './json-scan.js';
import { currentRequest, outboundTraceHeaders } from '../observability/request-context.js';
import { abortAfter } from './abort-after.js';

/** One GET to a FHIR server. */
export interface FhirGet {
  /** The server's base URL (the CDS request's `fhirServer`). */
  readonly baseUrl: string;
  /** Absolute URL, or a path relative to `baseUrl`. */
  readonly url: string;
  /** Sent as `Authorization: Bearer <token>` when given. */
  readonly token?: string;
  /** Time allowed for this call, body included. */
  readonly timeoutMs: number;
  /** Fires when the whole hook request's deadline passes. */
  readonly deadline: AbortSignal;
  /** Largest answer accepted, in decoded bytes (after gzip/brotli): decoding stops there. */
  readonly maxBytes: number;
  /** Largest number of Bundle entries accepted in the answer (checked before it is parsed). Default: no limit. */
  readonly maxEntries?: number;
  /** Deepest nesting accepted in the answer (default: the request-body limit). */
  readonly maxDepth?: number;
  /** Which addresses the connection may reach (`addressPolicyFor` the verified client); checked at connect time. */
  readonly policy: AddressPolicy;
}

/** Same as request bodies (src/http/validate-request.ts): far deeper than any FHIR resource, far shallower than the stack. */
export const MAX_FHIR_JSON_DEPTH = 100;

/**
 * The one function that sends requests to a FHIR server: every outbound call of the service passes here. The caller
 * checks the server first (`checkFhirServer`); here every connection goes through an undici Agent whose DNS lookup
 * refuses addresses outside `policy`, so the address connected to is the one checked (DNS rebinding), and an IP-literal
 * host is checked directly (Node skips `lookup` for those). The body is read as a stream of decoded bytes and dropped
 * at `maxBytes` (a compressed bomb costs at most that), then scanned for depth and entry count before it is parsed.
 * Resolves to the parsed JSON body; rejects with a FhirFetchError whose message holds no URL, token or patient id,
 * or with a 403 CdsError when the policy refuses the address. Within a request, the call carries that request's W3C
 * trace context (a child span) and is timed and counted per FHIR server host (src/observability/request-context.ts).
 */
export async function fhirGet(req: FhirGet): Promise<unknown> {
  const target = targetUrl(req);
  const observer = currentRequest()?.observer;
  const started = performance.now();
  const seconds = (): number => (performance.now() - started) / 1000;
  try {
    const body = await send(req, target);
    observer?.fhirFetch(target.host, seconds(), undefined);
    return body;
  } catch (err) {
    observer?.fhirFetch(target.host, seconds(), err instanceof FhirFetchError ? err.kind : 'refused');
    throw err;
  }
}

async function send(req: FhirGet, target: URL): Promise<unknown> {
  refuseIpLiteral(target, req.policy);
  const call = callSignal(req.timeoutMs, req.deadline);
  try {
    return await sendWithin(req, target, call);
  } finally {
    call.done();
  }
}

async function sendWithin(req: FhirGet, target: URL, call: CallSignal): Promise<unknown> {
  const failed = (err: unknown): FhirFetchError | CdsError => connectRefusalOf(err) ?? classify(err, req, call);
  let response: Response;
  try {
    response = await fetch(target, {
      headers: {
        accept: 'application/fhir+json',
        ...outboundTraceHeaders(),
        ...(req.token ? { authorization: `Bearer ${req.token}` } : {}),
      },
      // Redirects are answered, not followed: a FHIR server must not send the service to another host.
      redirect: 'manual',
      signal: call.signal,
      // Node's fetch takes an undici dispatcher; the RequestInit type of lib.dom does not know the field.
      ...{ dispatcher: guardedAgent(req.policy) },
    });
  } catch (err) {
    throw failed(err);
  }
  if (response.status < 200 || response.status >= 300) {
    await response.body?.cancel().catch(() => undefined);
    const hint = response.status === 401 || response.status === 403 ? ': the access token was refused' : '';
    throw new FhirFetchError('http-status', `HTTP ${response.status}${hint}`, response.status);
  }
  let text: string;
  const scanner = new JsonLimitScanner({
    maxDepth: req.maxDepth ?? MAX_FHIR_JSON_DEPTH,
    maxEntries: req.maxEntries ?? Number.MAX_SAFE_INTEGER,
  });
  try {
    text = await readCapped(response, req.maxBytes, scanner);
  } catch (err) {
    throw err instanceof FhirFetchError ? err : failed(err);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const type = response.headers.get('content-type')?.split(';')[0];
    throw new FhirFetchError('not-fhir', `answer is not FHIR JSON (${type ?? 'no content type'})`);
  }
}

/** The signal of one call: aborted when its own time is up or the request's deadline passes, whichever comes first. */
interface CallSignal {
  readonly signal: AbortSignal;
  /** True once the call's own time (timeoutMs) was up. */
  timedOut(): boolean;
  /** The call is over: its timer and its deadline listener go. */
  done(): void;
}

/**
 * A call's signal with a timer that is cleared when the call ends (abort-after.ts), instead of
 * `AbortSignal.any([AbortSignal.timeout(ms), deadline])` per call: its timer and a dependent signal per call were ~3 %
 * of a request without prefetch (bench/profile.md "Eleventh pass").
 */
function callSignal(timeoutMs: number, deadline: AbortSignal): CallSignal {
  const controller = new AbortController();
  let timedOut = false;
  const timer = abortAfter(controller, timeoutMs, () => (timedOut = true));
  const onDeadline = (): void => controller.abort(deadline.reason);
  if (deadline.aborted) onDeadline();
  else deadline.addEventListener('abort', onDeadline, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    done() {
      clearTimeout(timer);
      deadline.removeEventListener('abort', onDeadline);
    },
  };
}

/**
 * The body as text, counting decoded bytes and scanning the JSON as it arrives; stops reading (and cancels the
 * stream) past `maxBytes` or at the first limit the scanner finds.
 */
async function readCapped(response: Response, maxBytes: number, scanner: JsonLimitScanner): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (!response.headers.has('content-encoding') && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(maxBytes);
  }
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    const text = decoder.decode(value, { stream: true });
    const over = scanner.feed(text);
    if (over !== undefined) {
      await reader.cancel().catch(() => undefined);
      throw new FhirFetchError(over.includes('entries') ? 'too-many-entries' : 'too-deep', `answer is ${over}`);
    }
    parts.push(text);
  }
  parts.push(decoder.decode());
  return parts.join('');
}

const tooLarge = (maxBytes: number): FhirFetchError =>
  new FhirFetchError('too-large', `answer larger than ${maxBytes} bytes`);

/** The URL asked, resolved against the base with the URL API. */
function targetUrl(req: FhirGet): URL {
  const base = req.baseUrl.endsWith('/') ? req.baseUrl : `${req.baseUrl}/`;
  if (!URL.canParse(req.url, base)) throw new FhirFetchError('not-fhir', 'the query is not a URL');
  return new URL(req.url, base);
}

/** One keep-alive Agent per address policy: connections made under one policy are never reused under another. */
const agents = new Map<string, object>();

/** The undici Agent (Node's fetch has no `agent` option) whose connections resolve through the guarded lookup. */
function guardedAgent(policy: AddressPolicy): object {
  const key = `${[...policy.allow].sort().join(',')}|${policy.label}`;
  const cached = agents.get(key);
  if (cached) return cached;
  // Node bundles undici without exporting it: its global dispatcher is an instance of the Agent class we need.
  const Agent: unknown = nodeGlobalDispatcher()?.constructor;
  if (typeof Agent !== 'function' || Agent.name !== 'Agent') {
    // Fail closed: a proxy or mock dispatcher would apply the lookup to the wrong host.
    throw new Error('Node fetch offers no undici Agent; outbound FHIR connections cannot be guarded');
  }
  const agent: unknown = Reflect.construct(Agent, [{ connect: { lookup: createGuardedLookup(policy) } }]);
  if (typeof agent !== 'object' || agent === null) throw new Error('undici Agent could not be created');
  agents.set(key, agent);
  return agent;
}

/** An IP-literal host never reaches the lookup, so its address is judged here. */
function refuseIpLiteral(target: URL, policy: AddressPolicy): void {
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) === 0) return;
  const why = addressRefusal(host, policy);
  if (why) throw new CdsError(forbidden(`fhirServer refused: ${target.host} is ${why}`));
}

const REFUSED = /^(?:CdsError: )?(fhirServer refused: .*)$/s;

/**
 * The guarded lookup's refusal inside a fetch error. In the main realm it is the CdsError itself; when the code runs
 * in a VM context (jest), undici's realm does not see it as an Error and keeps only its text.
 */
function connectRefusalOf(err: unknown): CdsError | undefined {
  const found = findInCauses(
    err,
    (e) => e instanceof CdsError || (typeof e.message === 'string' && REFUSED.test(e.message)),
  );
  if (found instanceof CdsError) return found;
  const text = typeof found?.message === 'string' ? REFUSED.exec(found.message)?.[1] : undefined;
  return text === undefined ? undefined : new CdsError(forbidden(text), { cause: err });
}

const NETWORK_CODE = /^(E[A-Z_]+|UND_ERR_[A-Z_]+|ERR_[A-Z_]+|[A-Z_]*CERT[A-Z_]*)$/;

/** Turns whatever fetch threw into a FhirFetchError. */
function classify(err: unknown, req: FhirGet, call: CallSignal): FhirFetchError {
  if (req.deadline.aborted)
    return new FhirFetchError('deadline', 'request deadline passed before the FHIR server answered');
  if (call.timedOut()) return new FhirFetchError('timeout', `no complete answer within ${req.timeoutMs} ms`);
  const code = findInCauses(err, (e) => typeof e.code === 'string' && NETWORK_CODE.test(e.code))?.code;
  return new FhirFetchError(
    'unreachable',
    `could not connect or the connection failed (${typeof code === 'string' ? code : 'network error'})`,
  );
}

type ErrorLike = { code?: unknown; cause?: unknown; message?: unknown };

function findInCauses(err: unknown, match: (e: ErrorLike) => boolean): ErrorLike | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 6 && typeof e === 'object' && e !== null; depth++) {
    const like: ErrorLike = e;
    if (match(like)) return like;
    e = like.cause;
  }
  return undefined;
}
