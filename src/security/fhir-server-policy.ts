/**
 * Which `fhirServer` this service may call, and an address check at connect time (SSRF defence).
 * A CDS request names the FHIR server the service then calls with the client's access token, so an unchecked value
 * would let any caller aim this service (and that token) at internal hosts or cloud metadata endpoints.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import type { Logger } from '../log.js';
import { CdsError, forbidden, preconditionFailed } from '../errors.js';
import {
  classifyAddress,
  isAllowedClass,
  isMetadataHostName,
  type AddressPolicy,
  type OpenableClass,
} from './address-policy.js';
import type { CdsClientConfig, SecurityConfig } from './config.js';
import type { VerifiedClient } from './verified-client.js';

/** Resolves a host name to all its addresses (the default wraps `dns.lookup` with `all: true`). */
export type Resolver = (hostname: string) => Promise<readonly LookupAddress[]>;

export interface FhirServerCheckDeps {
  readonly resolve?: Resolver;
  readonly log?: Logger;
}

const RESOLVE_TIMEOUT_MS = 5_000;

/** `dns.lookup` of every address of a host, as a promise with a timeout. */
export const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) => {
    const timeout = (): void => reject(Object.assign(new Error('DNS lookup timed out'), { code: 'ETIMEOUT' }));
    const timer = setTimeout(timeout, RESOLVE_TIMEOUT_MS);
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => {
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(addresses);
    });
  });

/** The address policy for outbound FHIR calls made for `client` (loopback only when auth is disabled). */
export function addressPolicyFor(client: VerifiedClient | undefined, config: SecurityConfig): AddressPolicy {
  if (config.auth === 'disabled') {
    return { allow: new Set<OpenableClass>(['loopback']), label: 'development mode (auth disabled)' };
  }
  const allow = new Set<OpenableClass>(['public']);
  if (client?.config.allowPrivateNetwork) {
    allow.add('private');
    allow.add('loopback');
  }
  return { allow, label: client ? `client ${client.iss}` : 'an unauthenticated request' };
}

/**
 * Throws a CdsError unless `url` may be called for `client`: 403 for anything the policy refuses, 412 when the host
 * cannot be resolved. Call it before the first request to a `fhirServer`; then connect with `createGuardedLookup`
 * (or `createGuardedAgents`) so the address actually connected to is checked again.
 */
export async function checkFhirServer(
  url: string,
  client: VerifiedClient | undefined,
  config: SecurityConfig,
  deps: FhirServerCheckDeps = {},
): Promise<void> {
  const refuse = (why: string): never => {
    deps.log?.warn({ check: 'fhirServer', client: client?.iss, reason: why }, 'fhirServer refused');
    throw new CdsError(forbidden(`fhirServer refused: ${why}`));
  };
  if (!URL.canParse(url)) refuse('it is not an absolute URL');
  const u = new URL(url);
  if (u.protocol !== 'https:' && u.protocol !== 'http:') refuse(`scheme '${u.protocol.slice(0, 20)}' is not http(s)`);
  if (u.username || u.password) refuse('the URL carries credentials');
  if (u.search || u.hash) refuse('a FHIR base URL has no query or fragment');
  if (isMetadataHostName(u.hostname)) refuse(`${u.host} is a cloud metadata host`);
  if (config.auth === 'required') {
    if (!client) return refuse('no verified CDS client for this request');
    if (!isListed(u, client.config))
      refuse(`${u.origin} is not one of the FHIR servers allowed for client ${client.iss}`);
  }
  const policy = addressPolicyFor(client, config);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  let addresses: readonly string[];
  if (isIP(host) !== 0) {
    addresses = [host];
  } else {
    let found: readonly LookupAddress[];
    try {
      found = await (deps.resolve ?? systemResolver)(host);
    } catch {
      throw new CdsError(
        preconditionFailed(`fhirServer host ${u.host} could not be resolved; the patient data cannot be fetched`),
      );
    }
    if (found.length === 0) {
      throw new CdsError(
        preconditionFailed(`fhirServer host ${u.host} has no address; the patient data cannot be fetched`),
      );
    }
    addresses = found.map((a) => a.address);
  }
  for (const address of addresses) {
    const why = addressRefusal(address, policy);
    if (why) refuse(`${u.host} ${isIP(host) !== 0 ? 'is' : 'resolves to'} ${why}`);
  }
}

/** Why `address` is refused under `policy`, or undefined when it is allowed. */
export function addressRefusal(address: string, policy: AddressPolicy): string | undefined {
  const cls = classifyAddress(address);
  if (isAllowedClass(cls, policy)) return undefined;
  const what = cls === 'public' ? 'a public address' : `a ${cls} address`;
  const only = policy.allow.size === 1 && policy.allow.has('loopback') ? '; only loopback servers are allowed' : '';
  return `${what}, not allowed for ${policy.label}${only}`;
}

/** True when `u` is under one of the client's FHIR base URLs (same origin; path equal or below). */
function isListed(u: URL, client: CdsClientConfig): boolean {
  return client.fhirServers.some((entry) => {
    const base = new URL(entry);
    if (base.origin !== u.origin) return false;
    const basePath = base.pathname.replace(/\/+$/, '');
    const path = u.pathname.replace(/\/+$/, '');
    return path === basePath || path.startsWith(`${basePath}/`);
  });
}

/**
 * A `lookup` for `http.request` / `http.Agent` that resolves with `resolve` and refuses (with a 403 CdsError) unless
 * every address is allowed by `policy`: the address connected to is the one checked, so DNS rebinding between
 * `checkFhirServer` and the connection gains nothing. (Node skips `lookup` for IP literals; `checkFhirServer` covers those.)
 */
export function createGuardedLookup(policy: AddressPolicy, resolve: Resolver = systemResolver): LookupFunction {
  return (hostname: string, options: LookupOptions, callback) => {
    resolve(hostname).then(
      (found) => {
        for (const a of found) {
          const why = addressRefusal(a.address, policy);
          if (why) {
            callback(new CdsError(forbidden(`fhirServer refused: ${hostname} resolves to ${why}`)), []);
            return;
          }
        }
        const wanted =
          options.family === 4 || options.family === 6 ? found.filter((a) => a.family === options.family) : found;
        const first = wanted[0];
        if (!first) {
          callback(Object.assign(new Error(`No address for ${hostname}`), { code: 'ENOTFOUND' }), []);
          return;
        }
        if (options.all) callback(null, [...wanted]);
        else callback(null, first.address, first.family);
      },
      (err: unknown) => callback(err instanceof Error ? err : new Error(String(err)), []),
    );
  };
}

/** HTTP and HTTPS agents whose connections go only to addresses `policy` allows. */
export function createGuardedAgents(
  policy: AddressPolicy,
  resolve: Resolver = systemResolver,
): { readonly http: http.Agent; readonly https: https.Agent } {
  const lookup = createGuardedLookup(policy, resolve);
  return { http: new http.Agent({ lookup, keepAlive: true }), https: new https.Agent({ lookup, keepAlive: true }) };
}
