/**
 * The machine's real Redis for tests (CI has it too): each caller writes under a key prefix of its own and deletes its
 * keys afterwards, so test files running in parallel never see each other's keys. A Redis outage is simulated with
 * test/helpers/tcp-proxy.ts in front of it, never by stopping the machine's Redis.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** TEST_REDIS_URL, else the machine's Redis. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A fresh key prefix (`test-<label>-<random>:`). */
export const testPrefix = (label: string): string => `test-${label}-${randomBytes(4).toString('hex')}:`;

/** A direct connection to inspect what the service wrote. */
export const inspectRedis = (): Redis => new Redis(TEST_REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 1 });

/** Every key under `prefix`. */
export async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

/** Deletes every key under `prefix`. */
export async function dropKeys(redis: Redis, prefix: string): Promise<void> {
  const keys = await keysUnder(redis, prefix);
  if (keys.length > 0) await redis.del(...keys);
}

/** The redis:// URL of the same server through a local port (a TCP proxy). */
export const redisViaPort = (port: number): string => `redis://127.0.0.1:${port}`;
