import { isIP } from 'node:net';
import { Client } from 'fhir-kit-client';
import { CdsError, forbidden } from '../errors.js';
import { addressRefusal, createGuardedLookup, type AddressPolicy } from '../security/index.js';
import { byteCappedDispatcher, nodeGlobalDispatcher } from './byte-cap.js';
import { FhirFetchError, ResponseTooLargeError } from './fetch-error.js';

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
  readonly maxBytes: number;
  /** Which addresses the connection may reach (`addressPolicyFor` the verified client); checked at connect time. */
  readonly policy: AddressPolicy;
}

/**
 * The one function that sends requests to a FHIR server, through fhir-kit-client: every outbound call of the service
 * passes here. The caller checks the server first (`checkFhirServer`); here every connection goes through an undici
 * Agent whose DNS lookup refuses addresses outside `policy`, so the address connected to is the one checked (DNS
 * rebinding), and an IP-literal host is checked directly (Node skips `lookup` for those).
 * Resolves to the parsed JSON body; rejects with a FhirFetchError whose message holds no URL, token or patient id,
 * or with a 403 CdsError when the policy refuses the address.
 */
export async function fhirGet(req: FhirGet): Promise<unknown> {
  refuseIpLiteral(req);
  let tooLarge = false;
  const agent = guardedAgent(req.policy);
  const capped = byteCappedDispatcher(
    req.maxBytes,
    () => {
      tooLarge = true;
    },
    agent,
  );
  const client = new Client({
    baseUrl: req.baseUrl,
    ...(req.token ? { bearerToken: req.token } : {}),
    // Redirects are answered, not followed: a FHIR server must not send the service to another host.
    requestOptions: { redirect: 'manual', dispatcher: capped ?? agent },
  });
  const callTimeout = AbortSignal.timeout(req.timeoutMs);
  const signal = AbortSignal.any([callTimeout, req.deadline]);
  try {
    const body = await client.request(req.url, { options: { signal } });
    if (!capped) checkDeclaredLength(Client.httpFor(body).response, req.maxBytes);
    return body;
  } catch (err) {
    if (err instanceof FhirFetchError) throw err;
    const refusal = connectRefusalOf(err);
    if (refusal) throw refusal;
    throw classify(err, req, callTimeout, tooLarge);
  }
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
function refuseIpLiteral(req: FhirGet): void {
  const base = req.baseUrl.endsWith('/') ? req.baseUrl : `${req.baseUrl}/`;
  const target = URL.canParse(req.url, base) ? new URL(req.url, base) : undefined;
  const host = target?.hostname.replace(/^\[|\]$/g, '') ?? '';
  if (isIP(host) === 0) return;
  const why = addressRefusal(host, req.policy);
  if (why) throw new CdsError(forbidden(`fhirServer refused: ${target?.host ?? host} is ${why}`));
}

const REFUSED = /^(?:CdsError: )?(fhirServer refused: .*)$/s;

/**
 * The guarded lookup's refusal inside a fetch error. In the main realm it is the CdsError itself; when the code runs
 * in a VM context (jest), undici's realm does not see it as an Error and keeps only its text.
 */
function connectRefusalOf(err: unknown): CdsError | undefined {
  const found = findInCauses(err, (e) => e instanceof CdsError || (typeof e.message === 'string' && REFUSED.test(e.message)));
  if (found instanceof CdsError) return found;
  const text = typeof found?.message === 'string' ? REFUSED.exec(found.message)?.[1] : undefined;
  return text === undefined ? undefined : new CdsError(forbidden(text), { cause: err });
}

/** Where no byte-capping dispatcher exists, at least refuse an answer that declares itself too large. */
function checkDeclaredLength(response: Response | undefined, maxBytes: number): void {
  const declared = Number(response?.headers.get('content-length') ?? 0);
  if (declared > maxBytes) throw new ResponseTooLargeError(maxBytes);
}

const NETWORK_CODE = /^(E[A-Z_]+|UND_ERR_[A-Z_]+|ERR_[A-Z_]+|[A-Z_]*CERT[A-Z_]*)$/;

/** Turns whatever fetch or fhir-kit-client threw into a FhirFetchError. */
function classify(err: unknown, req: FhirGet, callTimeout: AbortSignal, tooLarge: boolean): FhirFetchError {
  if (req.deadline.aborted) return new FhirFetchError('deadline', 'request deadline passed before the FHIR server answered');
  if (callTimeout.aborted) return new FhirFetchError('timeout', `no complete answer within ${req.timeoutMs} ms`);
  if (tooLarge || findInCauses(err, (e) => e instanceof ResponseTooLargeError)) {
    return new FhirFetchError('too-large', `answer larger than ${req.maxBytes} bytes`);
  }
  const response = httpResponseOf(err);
  if (response) {
    if (response.status >= 200 && response.status < 300) {
      return new FhirFetchError('not-fhir', `answer is not FHIR JSON (${response.contentType ?? 'no content type'})`);
    }
    const hint = response.status === 401 || response.status === 403 ? ': the access token was refused' : '';
    return new FhirFetchError('http-status', `HTTP ${response.status}${hint}`, response.status);
  }
  const code = findInCauses(err, (e) => typeof e.code === 'string' && NETWORK_CODE.test(e.code))?.code;
  return new FhirFetchError('unreachable', `could not connect or the connection failed (${String(code ?? 'network error')})`);
}

/** fhir-kit-client errors carry `response.status`, the body in `response.data` and the headers in `config.headers`. */
function httpResponseOf(err: unknown): { status: number; contentType?: string } | undefined {
  if (typeof err !== 'object' || err === null || !('response' in err)) return undefined;
  const response: unknown = err.response;
  if (typeof response !== 'object' || response === null || !('status' in response)) return undefined;
  if (typeof response.status !== 'number') return undefined;
  const headers: unknown = 'config' in err && typeof err.config === 'object' && err.config ? Reflect.get(err.config, 'headers') : undefined;
  const contentType = headers instanceof Headers ? (headers.get('content-type') ?? undefined) : undefined;
  return { status: response.status, contentType: contentType?.split(';')[0] };
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
