/**
 * Shared state between replicas (issue 18): with REDIS_URL the JWT replay memory and the result cache live in Redis;
 * without it they stay in the process. Read with the rest of the configuration so problems join one list.
 */
import type { EnvReader } from '../shared/env-reader.js';

export interface SharedStateConfig {
  /** `redis://` or `rediss://` URL; undefined keeps the state in process (one replica). */
  readonly redisUrl: string | undefined;
  /** Prefix of every key this service writes, so several deployments (or tests) can share one Redis. */
  readonly keyPrefix: string;
  /** Time one Redis command may take before it counts as a failure (the replay check then answers 503). */
  readonly commandTimeoutMs: number;
  /** Life of a result-cache entry in Redis. */
  readonly resultTtlS: number;
  /** Result-cache entries kept in Redis at most (the oldest are deleted first), whatever Redis' maxmemory says. */
  readonly resultMaxEntries: number;
  /** A result larger than this (encrypted, in bytes) is not stored in Redis. */
  readonly resultMaxValueBytes: number;
}

export function loadSharedStateConfig(r: EnvReader): SharedStateConfig {
  const redisUrl = r.optionalString('REDIS_URL');
  if (redisUrl !== undefined && !/^rediss?:\/\/[^\s]+$/.test(redisUrl))
    r.problems.push('REDIS_URL must be a redis:// or rediss:// URL');
  const keyPrefix = r.optionalString('REDIS_KEY_PREFIX') ?? 'sts-cds:';
  if (!/^[A-Za-z0-9:._-]{1,64}$/.test(keyPrefix))
    r.problems.push('REDIS_KEY_PREFIX must be 1-64 characters of A-Z a-z 0-9 : . _ -');
  return Object.freeze({
    redisUrl,
    keyPrefix,
    // A replay check waits for Redis on every hook call: a slow Redis must fail fast rather than hold the EHR.
    commandTimeoutMs: r.int('REDIS_TIMEOUT_MS', 1_000, 50, 30_000),
    // Results are keyed on today's date too, so an entry is useless after a day; ten minutes covers a clinic session's
    // chart re-opens without keeping much.
    resultTtlS: r.int('RESULT_CACHE_TTL_S', 600, 1, 86_400),
    resultMaxEntries: r.int('RESULT_CACHE_MAX_ENTRIES', 5_000, 0, 10_000_000),
    // A library's plain result is 6 KB on average over the demo patients (16 KB at most); 128 KB leaves room for long
    // histories and makes RESULT_CACHE_MAX_ENTRIES x this a hard bound on the cache in Redis (640 MB at the defaults,
    // about 30 MB with typical results).
    resultMaxValueBytes: r.int('RESULT_CACHE_MAX_VALUE_BYTES', 131_072, 1_024, 16_777_216),
  });
}
