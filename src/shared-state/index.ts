/**
 * Shared state between replicas (issue 18): with REDIS_URL the JWT replay memory and the CQL result cache live in
 * Redis (src/shared-state/README.md says what is stored and what an outage does); without it, in the process.
 */
import type { Logger } from '../log.js';
import type { PlainValue } from '../cql/plain.js';
import type { ResultCache } from '../cql/result-cache.js';
import type { ReplayStore } from '../security/replay-cache.js';
import type { SharedStateConfig } from './config.js';
import { connectRedis, type RedisState } from './redis.js';
import { RedisReplayStore } from './redis-replay-store.js';
import { createRedisResultCache } from './redis-result-cache.js';

export { loadSharedStateConfig, type SharedStateConfig } from './config.js';
export { RedisReplayStore, stateUnavailable, STATE_RETRY_AFTER_S } from './redis-replay-store.js';
export { createRedisResultCache } from './redis-result-cache.js';
export { connectRedis, type SharedRedis, type RedisState } from './redis.js';

export interface SharedState {
  readonly replayStore: ReplayStore;
  readonly resultCache: ResultCache<Record<string, PlainValue>>;
  /** Whether Redis is usable now (GET /ready). */
  state(): RedisState;
  close(): Promise<void>;
}

/** Connects to Redis when REDIS_URL is set; undefined keeps the state in process. */
export function openSharedState(config: SharedStateConfig, replayQuota: number, log: Logger): SharedState | undefined {
  const { redisUrl } = config;
  if (redisUrl === undefined) return undefined;
  const redis = connectRedis({ ...config, redisUrl }, log);
  return {
    replayStore: new RedisReplayStore(redis, replayQuota),
    resultCache: createRedisResultCache(redis, config),
    state: () => redis.state(),
    close: () => redis.close(),
  };
}
