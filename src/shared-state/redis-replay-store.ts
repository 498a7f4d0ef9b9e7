/**
 * The JWT replay memory in Redis, shared by every replica: a `jti` seen by any replica is refused by all of them until
 * its token expires. Per issuer, as the in-process store (src/security/replay-cache.ts): each jti is one key written
 * with SET NX PX (it expires with the token's `exp`), and a sorted set per issuer counts that issuer's live tokens
 * against its quota, so one client cannot fill Redis nor lock the others out. Both happen in one Lua script (atomic:
 * two replicas given the same token at the same instant cannot both see it as new). Keys hold SHA-256 hashes of the
 * issuer and the jti, never the token.
 *
 * Redis unreachable or too slow: the check throws a 503 CdsError (`state-unavailable`, Retry-After), never 'fresh':
 * a replay must not be accepted because the memory of it could not be read.
 */
import { CdsError, outcome } from '../errors.js';
import type { ReplayStore, ReplayVerdict } from '../security/replay-cache.js';
import { keyHash, luaScript, type SharedRedis } from './redis.js';

/** Seconds an EHR is told to wait before retrying while the shared state is unreachable. */
export const STATE_RETRY_AFTER_S = 2;

// KEYS[1]: the jti's key; KEYS[2]: the issuer's sorted set of live jtis (score: expiry, ms).
// ARGV[1]: expiry (ms, the caller's clock), ARGV[2]: now (ms), ARGV[3]: the issuer's quota, ARGV[4]: the jti's hash.
const CHECK = luaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 'replayed' end
local now = tonumber(ARGV[2])
local ttl = math.max(1, tonumber(ARGV[1]) - now)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[3]) then return 'full' end
redis.call('SET', KEYS[1], '1', 'NX', 'PX', ttl)
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[4])
if redis.call('PTTL', KEYS[2]) < ttl then redis.call('PEXPIRE', KEYS[2], ttl) end
return 'fresh'
`);

export class RedisReplayStore implements ReplayStore {
  constructor(
    private readonly redis: SharedRedis,
    private readonly perIssuerMax: number,
  ) {}

  async check(iss: string, jti: string, expiresAtMs: number, nowMs: number): Promise<ReplayVerdict> {
    const issuer = keyHash(iss);
    const id = keyHash(jti);
    // The {issuer} hash tag keeps an issuer's keys in one slot (a script may only touch one slot on Redis Cluster).
    const base = `${this.redis.prefix}jti:{${issuer}}`;
    let verdict: unknown;
    try {
      verdict = await this.redis.script(
        CHECK,
        [`${base}:${id}`, `${base}:live`],
        [Math.ceil(expiresAtMs), Math.floor(nowMs), this.perIssuerMax, id],
      );
    } catch (err) {
      throw stateUnavailable('the JWT replay check', err);
    }
    if (verdict === 'fresh' || verdict === 'replayed' || verdict === 'full') return verdict;
    throw stateUnavailable(
      'the JWT replay check',
      new Error(`unexpected answer from Redis: ${String(verdict).slice(0, 40)}`),
    );
  }
}

/** The 503 of a use of the shared state that must not go on without it. */
export function stateUnavailable(what: string, cause: unknown): CdsError {
  return new CdsError(
    outcome(
      'state-unavailable',
      `The shared state store (Redis) is unreachable, so ${what} cannot be made; retry after ${STATE_RETRY_AFTER_S} s`,
    ),
    { cause, retryAfterS: STATE_RETRY_AFTER_S },
  );
}
