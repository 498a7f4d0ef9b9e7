/**
 * Service configuration, read from the environment once at start into a typed, frozen object.
 * Every problem is collected and reported together, so a misconfigured deployment fails with the whole list.
 */
import { THRESHOLD_NAMES, THRESHOLDS, type ThresholdDef, type Thresholds } from './pathway/thresholds.js';
import { loadSecurityConfig, type SecurityConfig } from './security/config.js';
import { loadAdherenceConfig, type AdherenceConfig } from './adherence/config.js';

export { DEFAULT_THRESHOLDS, type Thresholds } from './pathway/thresholds.js';
import { loadCapacityConfig, type CapacityConfig } from './lifecycle/config.js';
import { loadSharedStateConfig, type SharedStateConfig } from './shared-state/config.js';
import type { EnvReader, Mode } from './shared/env-reader.js';

export interface Config {
  readonly mode: Mode;
  readonly port: number;
  readonly host: string;
  /** Start the embedded FHIR server (with the demo patients) inside this process. */
  readonly embeddedFhir: boolean;
  /** Accept writes on the embedded /fhir over HTTP (default: read-only; the demo loader writes in process). */
  readonly embeddedFhirWritable: boolean;
  /**
   * 'current': the demo patients are loaded with their dates moved to today (src/embedded/demo-dates.ts), so they
   * reach the same nodes on any day; 'as-built': as the files are, dated against 2026-11-23.
   */
  readonly demoDates: 'current' | 'as-built';
  /** Maximum request body size in bytes. */
  readonly bodyLimitBytes: number;
  /** Time allowed for one FHIR HTTP call. */
  readonly fhirTimeoutMs: number;
  /** Time allowed for all FHIR calls of one hook request. */
  readonly requestDeadlineMs: number;
  /** Bundle `next` pages followed per query at most (the §9 threshold `fhirMaxPages`). */
  readonly fhirMaxPages: number;
  /** Largest FHIR response body accepted, in bytes. */
  readonly fhirMaxResponseBytes: number;
  /** Largest number of entries accepted in one prefetch Bundle or all fetched pages of one query. */
  readonly maxBundleEntries: number;
  readonly logLevel: string;
  /** IANA time zone in which "now" is a date (PATHWAY.md §2). */
  readonly timeZone: string;
  /** Public base URL of this service, used for card `source.url` and JWT `aud` checks. */
  readonly publicBaseUrl: string | undefined;
  readonly thresholds: Thresholds;
  /** The CQL engine: `compiled` (the ELM compiled at build time) or `interpreter` (cql-execution), src/cql/engine.ts. */
  readonly engine: 'compiled' | 'interpreter';
  /** Serve the pathway page (GET /) in production mode too; it is always served in development. */
  readonly pageEnabled: boolean;
  /** CDS client trust (JWT) and allowed FHIR servers: src/security/config.ts. */
  readonly security: SecurityConfig;
  /** Adherence store and report: src/adherence/config.ts. */
  readonly adherence: AdherenceConfig;
  /** Server timeouts, load shedding, shutdown timing: src/lifecycle/config.ts. */
  readonly capacity: CapacityConfig;
  /** Redis for the state replicas share (JWT replay memory, result cache): src/shared-state/config.ts. */
  readonly sharedState: SharedStateConfig;
}

type Env = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n- ${problems.join('\n- ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * The mark of every value in deploy/secret.template.yaml: a variable still holding it was copied from the template
 * and never filled, so the service refuses to start rather than run with a guessable secret.
 */
const TEMPLATE_PLACEHOLDER = 'REPLACE-ME';

class Reader implements EnvReader {
  readonly problems: string[] = [];
  constructor(readonly env: Env) {}

  string(name: string, fallback: string): string {
    return this.optionalString(name) ?? fallback;
  }

  optionalString(name: string): string | undefined {
    const v = this.env[name];
    if (v === undefined || v === '') return undefined;
    if (v.includes(TEMPLATE_PLACEHOLDER)) {
      this.problems.push(`${name} still holds the placeholder of deploy/secret.template.yaml: set the real value`);
    }
    return v;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const v = this.env[name];
    if (v === undefined || v === '') return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max} (got '${v}')`);
      return fallback;
    }
    return n;
  }

  number(name: string, fallback: number, min: number, max: number): number {
    const v = this.env[name];
    if (v === undefined || v === '') return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max) {
      this.problems.push(`${name} must be a number from ${min} to ${max} (got '${v}')`);
      return fallback;
    }
    return n;
  }

  bool(name: string, fallback: boolean): boolean {
    const v = this.env[name];
    if (v === undefined || v === '') return fallback;
    if (/^(1|true|yes|on)$/i.test(v)) return true;
    if (/^(0|false|no|off)$/i.test(v)) return false;
    this.problems.push(`${name} must be true or false (got '${v}')`);
    return fallback;
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const v = this.env[name];
    if (v === undefined || v === '') return fallback;
    if ((allowed as readonly string[]).includes(v)) return v as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')} (got '${v}')`);
    return fallback;
  }
}

/**
 * One §9 threshold from its variable or an earlier name of it (PATHWAY.md §9 table in src/pathway/thresholds.ts).
 * Two names of one threshold set to different values is a problem: the deployment would not say which applies.
 */
function readThreshold(r: Reader, def: ThresholdDef): number | boolean {
  const env = r.env;
  const names = [def.env, ...(def.envAliases ?? [])].filter((n) => env[n] !== undefined && env[n] !== '');
  const distinct = new Set(names.map((n) => env[n]));
  if (distinct.size > 1) r.problems.push(`${names.join(' and ')} name one threshold but differ`);
  const name = names[0] ?? def.env;
  if (def.type === 'boolean') return r.bool(name, def.default as boolean);
  const min = def.min ?? 0;
  const max = def.max ?? Number.MAX_SAFE_INTEGER;
  return def.type === 'integer'
    ? r.int(name, def.default as number, min, max)
    : r.number(name, def.default as number, min, max);
}

function readThresholds(r: Reader): Thresholds {
  return Object.freeze(
    Object.fromEntries(THRESHOLD_NAMES.map((n) => [n, readThreshold(r, THRESHOLDS[n])])) as unknown as Thresholds,
  );
}

/** Reads the configuration from `env` (defaults in one place); throws ConfigError listing every problem. */
export function loadConfig(env: Env = process.env): Config {
  const r = new Reader(env);
  const mode = r.oneOf<Mode>('STS_MODE', 'development', ['development', 'production']);
  const timeZone = r.string('STS_TIME_ZONE', 'UTC');
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone });
  } catch {
    r.problems.push(`STS_TIME_ZONE must be an IANA time zone (got '${timeZone}')`);
  }
  const publicBaseUrl = r.optionalString('PUBLIC_BASE_URL');
  if (publicBaseUrl !== undefined && !URL.canParse(publicBaseUrl)) {
    r.problems.push(`PUBLIC_BASE_URL must be an absolute URL (got '${publicBaseUrl}')`);
  }
  const thresholds = readThresholds(r);
  if (thresholds.cumulativeDoxoWarnMgM2 >= thresholds.cumulativeDoxoCriticalMgM2) {
    r.problems.push(
      `${THRESHOLDS.cumulativeDoxoWarnMgM2.env} must be below ${THRESHOLDS.cumulativeDoxoCriticalMgM2.env}`,
    );
  }
  const config: Config = {
    mode,
    port: r.int('PORT', 3000, 0, 65535),
    host: r.string('HOST', mode === 'development' ? '127.0.0.1' : '0.0.0.0'),
    embeddedFhir: r.bool('EMBEDDED_FHIR', mode === 'development'),
    embeddedFhirWritable: r.bool('EMBEDDED_FHIR_WRITABLE', false),
    demoDates: r.oneOf('DEMO_DATES', 'current', ['current', 'as-built']),
    bodyLimitBytes: r.int('BODY_LIMIT_BYTES', 1_000_000, 1_000, 100_000_000),
    fhirTimeoutMs: r.int('FHIR_TIMEOUT_MS', 5_000, 50, 120_000),
    requestDeadlineMs: r.int('REQUEST_DEADLINE_MS', 10_000, 100, 300_000),
    fhirMaxPages: thresholds.fhirMaxPages,
    fhirMaxResponseBytes: r.int('FHIR_MAX_RESPONSE_BYTES', 20_000_000, 1_000, 500_000_000),
    maxBundleEntries: r.int('MAX_BUNDLE_ENTRIES', 10_000, 10, 1_000_000),
    logLevel: r.oneOf('LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    timeZone,
    publicBaseUrl,
    thresholds,
    pageEnabled: r.bool('PAGE_ENABLED', false),
    engine: r.oneOf('ENGINE', 'compiled', ['compiled', 'interpreter']),
    security: loadSecurityConfig(r, mode, publicBaseUrl),
    adherence: loadAdherenceConfig(r, mode),
    capacity: loadCapacityConfig(r, mode),
    sharedState: loadSharedStateConfig(r),
  };
  if (config.embeddedFhir && mode === 'production') {
    // The embedded server takes writes from anyone who can reach the port: a development aid only.
    r.problems.push('EMBEDDED_FHIR must be false in production mode (the embedded FHIR server has no access control)');
  }
  if (config.security.auth === 'disabled' && !isLoopbackHost(config.host)) {
    // Without client JWTs anyone who reaches the port is a CDS client (and, in development, a client of the embedded /fhir).
    r.problems.push(
      `HOST=${config.host} with AUTH=disabled: bind to loopback (127.0.0.1, ::1, localhost) or set AUTH=required`,
    );
  }
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return Object.freeze(config);
}

/** True for a host name or address that only this machine can reach. */
function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
