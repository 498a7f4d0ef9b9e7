/**
 * The CQL result cache in Redis, shared by every replica (src/cql/result-cache.ts is the in-process one). What Redis
 * holds, and nothing else:
 *
 * - key: `<prefix>{rc}:<H("id", input hash)>`; the input hash is the SHA-256 of the exact evaluation input (library,
 *   day, parameters, the patient Bundle), never stored itself;
 * - value: the plain result encrypted with AES-256-GCM under `H("key", input hash)`. A result names resources
 *   ("Condition/abc") and dates of the chart, so it is never written in clear: reading an entry needs the exact input
 *   it was computed from, i.e. the chart itself. No token is part of the input or the result;
 * - an index (sorted set `<prefix>{rc}:index`, score: expiry) that bounds the entries to `resultMaxEntries`
 *   whatever Redis' maxmemory policy is: an insert beyond it deletes the oldest. Each entry also expires after
 *   `resultTtlS`, and a value over `resultMaxValueBytes` is not stored, so the cache holds at most
 *   resultMaxEntries x resultMaxValueBytes.
 *
 * Redis unreachable, slow or answering nonsense: the lookup is a miss and the result is computed (no cache, never an
 * error); identical evaluations running at the same time in this process still run once.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { PlainValue } from '../cql/plain.js';
import type { ResultCache, ResultCacheStats } from '../cql/result-cache.js';
import type { SharedStateConfig } from './config.js';
import { luaScript, type SharedRedis } from './redis.js';

// KEYS[1]: the entry, KEYS[2]: the index. ARGV[1]: the value, ARGV[2]: ttl (ms), ARGV[3]: now (ms), ARGV[4]: max entries.
const STORE = luaScript(`
local now = tonumber(ARGV[3])
local ttl = tonumber(ARGV[2])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
redis.call('ZADD', KEYS[2], now + ttl, KEYS[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
if over > 0 then
  local oldest = redis.call('ZPOPMIN', KEYS[2], over)
  for i = 1, #oldest, 2 do redis.call('DEL', oldest[i]) end
end
redis.call('PEXPIRE', KEYS[2], ttl)
return 1
`);

const IV_BYTES = 12;
const TAG_BYTES = 16;

type CacheConfig = Pick<SharedStateConfig, 'resultTtlS' | 'resultMaxEntries' | 'resultMaxValueBytes'>;

/** One library's plain results, as the engine caches them. */
type PlainResults = Record<string, PlainValue>;

/** A ResultCache of the engine's plain results over Redis. */
export function createRedisResultCache(
  redis: SharedRedis,
  config: CacheConfig,
  clock: () => number = Date.now,
): ResultCache<PlainResults> {
  const running = new Map<string, Promise<PlainResults>>();
  let hits = 0;
  let misses = 0;
  const index = `${redis.prefix}{rc}:index`;

  const read = async (entry: string, secret: Buffer): Promise<PlainResults | undefined> => {
    if (!redis.state().ok) return undefined;
    try {
      const sealed = await redis.client.getBuffer(entry);
      return sealed === null ? undefined : open(sealed, secret);
    } catch {
      return undefined;
    }
  };
  const write = (entry: string, secret: Buffer, value: PlainResults): void => {
    if (!redis.state().ok) return;
    const sealed = seal(value, secret);
    if (sealed.length > config.resultMaxValueBytes) return;
    redis
      .script(STORE, [entry, index], [sealed, config.resultTtlS * 1000, clock(), config.resultMaxEntries])
      .catch(() => undefined);
  };

  return {
    async getOrCompute(key, compute) {
      if (config.resultMaxEntries <= 0) {
        misses++;
        return compute();
      }
      const inFlight = running.get(key);
      if (inFlight !== undefined) {
        hits++;
        return structuredClone(await inFlight);
      }
      const entry = `${redis.prefix}{rc}:${derive('id', key).toString('base64url')}`;
      const secret = derive('key', key);
      const promise = (async (): Promise<PlainResults> => {
        const cached = await read(entry, secret);
        if (cached !== undefined) {
          hits++;
          return cached;
        }
        misses++;
        const value = await compute();
        write(entry, secret, value);
        return value;
      })();
      running.set(key, promise);
      try {
        // Each caller gets its own copy: the first one may change its answer.
        return structuredClone(await promise);
      } finally {
        running.delete(key);
      }
    },
    stats: (): ResultCacheStats => ({ hits, misses, size: running.size, maxEntries: config.resultMaxEntries }),
  };
}

/** One of two independent 32-byte values derived from the input hash: the entry's name and its encryption key. */
function derive(purpose: 'id' | 'key', inputHash: string): Buffer {
  return createHash('sha256').update(`sts-pathway-cds result cache ${purpose}\u0000${inputHash}`).digest();
}

function seal(value: unknown, secret: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', secret, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

/** The stored value; undefined when it does not decrypt (another input with a colliding name, or a damaged entry). */
function open(sealed: Buffer, secret: Buffer): PlainResults | undefined {
  if (sealed.length < IV_BYTES + TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', secret, sealed.subarray(0, IV_BYTES));
    decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const text = Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
      'utf8',
    );
    const value: unknown = JSON.parse(text);
    // JSON.parse only makes plain values (null, booleans, numbers, strings, arrays, objects): an object is PlainResults.
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as PlainResults) : undefined;
  } catch {
    return undefined;
  }
}
