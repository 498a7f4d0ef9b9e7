/**
 * Issue 18: the JWT replay memory in Redis (src/shared-state/redis-replay-store.ts). Two connections stand for two
 * replicas: a jti one has seen is refused by the other, also when both get it at the same instant; each key expires
 * with its token; keys hold hashes, never the jti or the issuer; the per-issuer quota holds as in process. With Redis
 * cut away (TCP proxy), the check refuses with a 503 that names the cause, never 'fresh', and works again after.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { CdsError, errorCodeOf } from '../../../src/errors.js';
import { createLogger } from '../../../src/log.js';
import { testConfig } from '../../helpers/app.js';
import { connectRedis, RedisReplayStore, type SharedRedis } from '../../../src/shared-state/index.js';
import { dropKeys, inspectRedis, keysUnder, redisViaPort, testPrefix, TEST_REDIS_URL } from '../../helpers/redis.js';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy.js';
import { lockOutAttack, QUOTA } from '../security/replay-lockout.js';

const ISS = 'https://ehr.example.org';
const prefix = testPrefix('replay');
const log = createLogger('silent');
const config = (url: string) => ({
  ...testConfig({ REDIS_URL: url, REDIS_KEY_PREFIX: prefix, REDIS_TIMEOUT_MS: '500' }).sharedState,
  redisUrl: url,
});

let inspect: Redis;
let replicaA: SharedRedis;
let replicaB: SharedRedis;
let proxy: TcpProxy;
let viaProxy: SharedRedis;

const until = async (what: () => boolean, ms = 15_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
};

beforeAll(async () => {
  inspect = inspectRedis();
  replicaA = connectRedis(config(TEST_REDIS_URL), log);
  replicaB = connectRedis(config(TEST_REDIS_URL), log);
  proxy = await startTcpProxy('127.0.0.1', Number(new URL(TEST_REDIS_URL).port || 6379));
  viaProxy = connectRedis(config(redisViaPort(proxy.port)), log);
  await until(() => replicaA.state().ok && replicaB.state().ok && viaProxy.state().ok);
});

afterAll(async () => {
  await dropKeys(inspect, prefix);
  await Promise.all([replicaA.close(), replicaB.close(), viaProxy.close()]);
  await proxy.close();
  inspect.disconnect();
});

test('a jti seen by one replica is refused by the other until its token expires; keys hold hashes only', async () => {
  const a = new RedisReplayStore(replicaA, 100);
  const b = new RedisReplayStore(replicaB, 100);
  const jti = `jti-${randomUUID()}`;
  const now = Date.now();
  await expect(a.check(ISS, jti, now + 60_000, now)).resolves.toBe('fresh');
  await expect(b.check(ISS, jti, now + 60_000, now)).resolves.toBe('replayed');
  await expect(a.check(ISS, jti, now + 60_000, now)).resolves.toBe('replayed');

  const keys = await keysUnder(inspect, prefix);
  expect(keys.join(' ')).not.toContain(jti);
  expect(keys.join(' ')).not.toContain('ehr.example.org');
  const jtiKey = keys.find((k) => !k.endsWith(':live'));
  // The key lives as long as the token (60 s here), not longer.
  const ttl = await inspect.pttl(jtiKey ?? '');
  expect(ttl).toBeGreaterThan(50_000);
  expect(ttl).toBeLessThanOrEqual(60_000);

  // A token that expires in 1 s is forgotten after it has expired (Redis' own clock).
  const short = `jti-${randomUUID()}`;
  await expect(a.check(ISS, short, Date.now() + 1_000, Date.now())).resolves.toBe('fresh');
  await new Promise((r) => setTimeout(r, 1_300));
  await expect(b.check(ISS, short, Date.now() + 60_000, Date.now())).resolves.toBe('fresh');
});

test('the same jti sent to both replicas at once is accepted exactly once', async () => {
  const [storeA, storeB] = [new RedisReplayStore(replicaA, 100), new RedisReplayStore(replicaB, 100)];
  for (let round = 0; round < 5; round++) {
    const jti = randomUUID();
    const now = Date.now();
    const verdicts = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? storeA : storeB).check(ISS, jti, now + 60_000, now)),
    );
    expect(verdicts.filter((v) => v === 'fresh')).toHaveLength(1);
    expect(verdicts.filter((v) => v === 'replayed')).toHaveLength(19);
  }
});

test('one client filling its quota is refused alone, as in process', async () => {
  await lockOutAttack(new RedisReplayStore(replicaA, QUOTA));
});

test('Redis cut away: the check refuses with 503 state-unavailable (never fresh); after it is back, replays are still caught', async () => {
  const store = new RedisReplayStore(viaProxy, 100);
  const seen = randomUUID();
  const now = Date.now();
  await expect(store.check(ISS, seen, now + 60_000, now)).resolves.toBe('fresh');

  await proxy.cut();
  for (let i = 0; i < 5; i++) {
    const refused: unknown = await store
      .check(ISS, i === 0 ? seen : randomUUID(), now + 60_000, Date.now())
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CdsError);
    expect(refused instanceof CdsError && errorCodeOf(refused.outcome)).toBe('state-unavailable');
    expect(refused instanceof CdsError && refused.status).toBe(503);
    expect(refused instanceof CdsError && refused.retryAfterS).toBeGreaterThan(0);
  }
  // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- jest types its asymmetric matchers `any`
  expect(viaProxy.state()).toMatchObject({ ok: false, reason: expect.stringMatching(/redis/) });

  await proxy.restore();
  await until(() => viaProxy.state().ok);
  await expect(store.check(ISS, seen, now + 60_000, Date.now())).resolves.toBe('replayed');
  await expect(store.check(ISS, randomUUID(), now + 60_000, Date.now())).resolves.toBe('fresh');
});
