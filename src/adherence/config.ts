/**
 * Adherence store configuration (issue 17), read with the rest of the configuration so problems join one list.
 */
import { randomBytes } from 'node:crypto';
import { MIN_BEARER_TOKEN, type EnvReader, type Mode } from '../shared/env-reader.js';

export interface AdherenceConfig {
  /** ADHERENCE_STORE=off records nothing (the feedback endpoint then only validates). */
  readonly enabled: boolean;
  /** A PostgreSQL server; without it, embedded PGlite. */
  readonly databaseUrl: string | undefined;
  /** Folder of the embedded database; in memory without it. */
  readonly dataDir: string | undefined;
  /** HMAC key of the patient and user pseudonyms. */
  readonly pseudonymKey: Buffer;
  /** False when the key is random for this process (development without PSEUDONYM_KEY). */
  readonly pseudonymKeyFromEnv: boolean;
  /** Production: the store refuses to open without PSEUDONYM_KEY (openAdherenceStore), so the service does not start. */
  readonly pseudonymKeyRequired: boolean;
  readonly retentionDays: number;
  /** Card records waiting to be written at most; more are dropped (and counted). */
  readonly queueSize: number;
  /** Bearer token of GET /adherence; required in production, optional in development. */
  readonly adminToken: string | undefined;
}

const MIN_SECRET = 32;

/** Reads the adherence keys; problems go to `r.problems`. */
export function loadAdherenceConfig(r: EnvReader, mode: Mode): AdherenceConfig {
  const enabled = r.bool('ADHERENCE_STORE', true);
  const databaseUrl = r.optionalString('DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    r.problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  const key = r.optionalString('PSEUDONYM_KEY');
  if (key !== undefined && key.length < MIN_SECRET) {
    r.problems.push(`PSEUDONYM_KEY must be at least ${MIN_SECRET} characters (a random secret)`);
  }
  const adminToken = r.optionalString('ADHERENCE_ADMIN_TOKEN');
  if (adminToken !== undefined && adminToken.length < MIN_BEARER_TOKEN) {
    r.problems.push(`ADHERENCE_ADMIN_TOKEN must be at least ${MIN_BEARER_TOKEN} characters`);
  }
  return Object.freeze({
    enabled,
    databaseUrl,
    dataDir: r.optionalString('DATA_DIR'),
    pseudonymKey: key !== undefined ? Buffer.from(key, 'utf8') : randomBytes(32),
    pseudonymKeyFromEnv: key !== undefined,
    pseudonymKeyRequired: mode === 'production',
    retentionDays: r.int('ADHERENCE_RETENTION_DAYS', 365, 1, 36_500),
    queueSize: r.int('ADHERENCE_QUEUE_SIZE', 10_000, 1, 1_000_000),
    adminToken,
  });
}
