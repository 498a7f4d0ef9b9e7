/**
 * Security configuration: which CDS clients are trusted (https://cds-hooks.hl7.org/2.0/#trusting-cds-clients), how
 * their JWTs are checked, and which FHIR servers each may point this service at. Read once at start with the rest of
 * the configuration; every problem joins the same list.
 */
import { readFileSync } from 'node:fs';
import type { JSONWebKeySet } from 'jose';
import type { EnvReader, Mode } from '../shared/env-reader.js';
import { isRecord } from '../shared/guards.js';

export type AuthMode = 'required' | 'disabled';

/** One trusted CDS client (an EHR or the public sandbox), as configured in `CDS_CLIENTS` / `CDS_CLIENTS_FILE`. */
export interface CdsClientConfig {
  /** The exact `iss` of its JWTs. */
  readonly iss: string;
  /** JWKS URLs this client publishes its keys at; a `jku` JWT header must be one of these. */
  readonly jku: readonly string[];
  /** A JWKS given out of band (public keys only). */
  readonly jwks?: JSONWebKeySet;
  /** If set, the JWT `sub` must equal it. */
  readonly sub?: string;
  /** FHIR base URLs this client may send as `fhirServer` (prefix match on origin + path). */
  readonly fhirServers: readonly string[];
  /** Let this client's FHIR servers resolve to private (RFC 1918, ULA, CGNAT) and loopback addresses. */
  readonly allowPrivateNetwork: boolean;
}

export interface SecurityConfig {
  readonly auth: AuthMode;
  readonly clients: readonly CdsClientConfig[];
  /** Public base URL of this service; a JWT `aud` must be it + the request path. */
  readonly publicBaseUrl: string | undefined;
  readonly clockSkewS: number;
  /** Longest accepted `exp - now`: bounds how long a `jti` must be remembered. */
  readonly maxTokenLifetimeS: number;
  readonly replayCacheSize: number;
  readonly jwksTimeoutMs: number;
  readonly jwksCacheMaxAgeS: number;
  /** Least time between two JWKS refetches caused by an unknown `kid`. */
  readonly jwksCooldownS: number;
  /** Development and tests only: accept `http://` JWKS URLs on loopback hosts. */
  readonly jwksAllowHttpLoopback: boolean;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** Reads the security keys; problems go to `r.problems`. */
export function loadSecurityConfig(r: EnvReader, mode: Mode, publicBaseUrl: string | undefined): SecurityConfig {
  const auth = r.oneOf<AuthMode>('AUTH', mode === 'production' ? 'required' : 'disabled', ['required', 'disabled']);
  if (auth === 'disabled' && mode === 'production') {
    r.problems.push('AUTH=disabled is not allowed with STS_MODE=production (CDS client JWTs must be verified)');
  }
  const jwksAllowHttpLoopback = r.bool('JWKS_ALLOW_HTTP_LOOPBACK', false);
  if (jwksAllowHttpLoopback && mode === 'production') {
    r.problems.push('JWKS_ALLOW_HTTP_LOOPBACK is for development and tests only; not allowed with STS_MODE=production');
  }
  const clients = readClients(r, jwksAllowHttpLoopback);
  if (auth === 'required') {
    if (clients.length === 0) {
      r.problems.push('AUTH=required but no CDS client is configured (set CDS_CLIENTS or CDS_CLIENTS_FILE)');
    }
    if (publicBaseUrl === undefined) {
      r.problems.push('AUTH=required needs PUBLIC_BASE_URL: a JWT `aud` is checked against it + the endpoint path');
    }
  }
  return Object.freeze({
    auth,
    clients,
    publicBaseUrl,
    clockSkewS: r.int('JWT_CLOCK_SKEW_S', 30, 0, 300),
    maxTokenLifetimeS: r.int('JWT_MAX_LIFETIME_S', 3600, 10, 86_400),
    replayCacheSize: r.int('JWT_REPLAY_CACHE_SIZE', 100_000, 10, 10_000_000),
    jwksTimeoutMs: r.int('JWKS_TIMEOUT_MS', 3_000, 100, 60_000),
    jwksCacheMaxAgeS: r.int('JWKS_CACHE_MAX_AGE_S', 600, 0, 86_400),
    jwksCooldownS: r.int('JWKS_COOLDOWN_S', 30, 0, 3_600),
    jwksAllowHttpLoopback,
  });
}

function readClients(r: EnvReader, allowHttpLoopback: boolean): readonly CdsClientConfig[] {
  const inline = r.optionalString('CDS_CLIENTS');
  const file = r.optionalString('CDS_CLIENTS_FILE');
  if (inline !== undefined && file !== undefined) {
    r.problems.push('Set CDS_CLIENTS or CDS_CLIENTS_FILE, not both');
    return [];
  }
  const source = inline !== undefined ? 'CDS_CLIENTS' : 'CDS_CLIENTS_FILE';
  let text = inline;
  if (file !== undefined) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      r.problems.push(`CDS_CLIENTS_FILE cannot be read (${err instanceof Error ? err.message : String(err)})`);
      return [];
    }
  }
  if (text === undefined) return [];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    r.problems.push(`${source} must be a JSON array of clients`);
    return [];
  }
  if (!Array.isArray(json)) {
    r.problems.push(`${source} must be a JSON array of clients`);
    return [];
  }
  const seen = new Set<string>();
  const clients: CdsClientConfig[] = [];
  json.forEach((entry: unknown, i: number) => {
    const client = readClient(entry, `${source}[${i}]`, r.problems, allowHttpLoopback);
    if (!client) return;
    if (seen.has(client.iss)) r.problems.push(`${source}[${i}].iss '${client.iss}' is configured twice`);
    seen.add(client.iss);
    clients.push(client);
  });
  return Object.freeze(clients);
}

function readClient(
  v: unknown,
  at: string,
  problems: string[],
  allowHttpLoopback: boolean,
): CdsClientConfig | undefined {
  if (!isRecord(v)) {
    problems.push(`${at} must be an object`);
    return undefined;
  }
  const before = problems.length;
  const known = new Set(['iss', 'jku', 'jwks', 'sub', 'fhirServers', 'allowPrivateNetwork']);
  for (const key of Object.keys(v)) if (!known.has(key)) problems.push(`${at}.${key} is not a known client setting`);
  if (typeof v.iss !== 'string' || v.iss.length === 0) problems.push(`${at}.iss must be a non-empty string`);
  const jku = v.jku === undefined ? [] : typeof v.jku === 'string' ? [v.jku] : v.jku;
  const jkus: string[] = [];
  if (!Array.isArray(jku)) {
    problems.push(`${at}.jku must be a URL or an array of URLs`);
  } else {
    jku.forEach((u: unknown, i: number) => {
      const problem = jkuProblem(u, allowHttpLoopback);
      if (problem) problems.push(`${at}.jku[${i}] ${problem}`);
      else if (typeof u === 'string') jkus.push(new URL(u).href);
    });
  }
  const jwks = v.jwks;
  if (jwks !== undefined) {
    const problem = jwksProblem(jwks);
    if (problem) problems.push(`${at}.jwks ${problem}`);
  }
  const noJku = v.jku === undefined || (Array.isArray(v.jku) && v.jku.length === 0);
  if (noJku && jwks === undefined) problems.push(`${at} needs a jku (JWKS URL) or a static jwks`);
  if (v.sub !== undefined && (typeof v.sub !== 'string' || v.sub.length === 0)) {
    problems.push(`${at}.sub must be a non-empty string when given`);
  }
  const fhirServers: string[] = [];
  if (v.fhirServers !== undefined && !Array.isArray(v.fhirServers)) {
    problems.push(`${at}.fhirServers must be an array of FHIR base URLs`);
  }
  const servers: readonly unknown[] = Array.isArray(v.fhirServers) ? v.fhirServers : [];
  servers.forEach((u, i) => {
    const problem = fhirServerEntryProblem(u);
    if (problem) problems.push(`${at}.fhirServers[${i}] ${problem}`);
    else if (typeof u === 'string') fhirServers.push(u);
  });
  if (v.allowPrivateNetwork !== undefined && typeof v.allowPrivateNetwork !== 'boolean') {
    problems.push(`${at}.allowPrivateNetwork must be true or false`);
  }
  if (problems.length > before || typeof v.iss !== 'string') return undefined;
  return Object.freeze({
    iss: v.iss,
    jku: Object.freeze(jkus),
    ...(isJwks(jwks) ? { jwks } : {}),
    ...(typeof v.sub === 'string' ? { sub: v.sub } : {}),
    fhirServers: Object.freeze(fhirServers),
    allowPrivateNetwork: v.allowPrivateNetwork === true,
  });
}

function jkuProblem(u: unknown, allowHttpLoopback: boolean): string | undefined {
  if (typeof u !== 'string' || !URL.canParse(u)) return 'must be an absolute URL';
  const url = new URL(u);
  if (url.username || url.password) return 'must not carry credentials';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && allowHttpLoopback && LOOPBACK_HOSTS.has(url.hostname)) return undefined;
  return 'must be an https URL (http is accepted only on loopback with JWKS_ALLOW_HTTP_LOOPBACK=true)';
}

function isJwks(v: unknown): v is JSONWebKeySet {
  return isRecord(v) && Array.isArray(v.keys) && v.keys.every(isRecord);
}

function jwksProblem(v: unknown): string | undefined {
  if (!isJwks(v) || v.keys.length === 0) return 'must be a JWK Set: {"keys": [ ...public JWKs ]}';
  for (const key of v.keys) {
    if (key.kty === 'oct') return 'must not hold symmetric (oct) keys: CDS Hooks forbids HMAC';
    if (key.kty !== 'EC' && key.kty !== 'RSA' && key.kty !== 'OKP')
      return `holds a key of unsupported kty '${String(key.kty)}'`;
    if (key.d !== undefined) return 'holds a private key (a `d` member): configure public keys only';
  }
  return undefined;
}

function fhirServerEntryProblem(u: unknown): string | undefined {
  if (typeof u !== 'string' || !URL.canParse(u)) return 'must be an absolute URL';
  const url = new URL(u);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http(s) URL';
  if (url.username || url.password) return 'must not carry credentials';
  if (url.search || url.hash) return 'must not have a query or fragment';
  return undefined;
}
