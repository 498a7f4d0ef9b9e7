/**
 * Issue 18: the CQL result cache in Redis (src/shared-state/redis-result-cache.ts). Two engines on two connections
 * stand for two replicas: a result one computed is a hit for the other. Redis holds no patient id, resource id or
 * chart text (values are encrypted under a key derived from the input); the entries are capped by
 * RESULT_CACHE_MAX_ENTRIES and expire after RESULT_CACHE_TTL_S; a result over the size cap is not stored. With Redis
 * cut away the engine still answers (no cache).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { createCqlEngine, type CqlEngine } from '../../../src/cql/engine.js';
import { DEMO_DIR } from '../../../src/embedded/index.js';
import { createLogger } from '../../../src/log.js';
import { connectRedis, createRedisResultCache, type SharedRedis } from '../../../src/shared-state/index.js';
import { testConfig } from '../../helpers/app.js';
import { dropKeys, inspectRedis, keysUnder, redisViaPort, testPrefix, TEST_REDIS_URL } from '../../helpers/redis.js';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy.js';

type Json = Record<string, unknown>;
const NOW = new Date('2026-11-23T12:00:00Z');
const PATIENT = 'sts-lms-1l';
const log = createLogger('silent');
const prefix = testPrefix('results');

const demoBundle = (file: string): Json => {
  const b = JSON.parse(readFileSync(join(DEMO_DIR, file), 'utf8')) as { entry: { resource: Json }[] };
  return { resourceType: 'Bundle', type: 'collection', entry: b.entry.map((e) => ({ resource: e.resource })) };
};
/** The same patient, born on another day: another input, so another entry. */
const variant = (bundle: Json, day: number): Json => {
  const copy = structuredClone(bundle) as { entry: { resource: Json }[] };
  for (const e of copy.entry)
    if (e.resource.resourceType === 'Patient') e.resource.birthDate = `1960-01-${String(day).padStart(2, '0')}`;
  return copy;
};

const connect = (url: string, env: Record<string, string> = {}): { redis: SharedRedis; engine: CqlEngine } => {
  const shared = testConfig({ REDIS_URL: url, REDIS_KEY_PREFIX: prefix, REDIS_TIMEOUT_MS: '500', ...env }).sharedState;
  const redis = connectRedis({ ...shared, redisUrl: url }, log);
  return { redis, engine: createCqlEngine({ timeZone: 'UTC', resultCache: createRedisResultCache(redis, shared) }) };
};

const until = async (what: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
};

let inspect: Redis;
let proxy: TcpProxy;
const opened: SharedRedis[] = [];
/** An engine on its own connection, once that connection is ready (a write before it is skipped, by design). */
const open = async (url: string, env?: Record<string, string>): Promise<{ engine: CqlEngine; redis: SharedRedis }> => {
  const { redis, engine } = connect(url, env);
  opened.push(redis);
  await until(() => redis.state().ok);
  return { engine, redis };
};
const entries = async (): Promise<string[]> => (await keysUnder(inspect, prefix)).filter((k) => !k.endsWith(':index'));

beforeAll(async () => {
  inspect = inspectRedis();
  proxy = await startTcpProxy('127.0.0.1', Number(new URL(TEST_REDIS_URL).port || 6379));
});

afterEach(async () => {
  await dropKeys(inspect, prefix);
});

afterAll(async () => {
  await Promise.all(opened.map((r) => r.close()));
  await proxy.close();
  inspect.disconnect();
});

test('a result computed by one replica is a hit for the other; Redis holds no id, name or chart text', async () => {
  const { engine: a } = await open(TEST_REDIS_URL);
  const { engine: b } = await open(TEST_REDIS_URL);
  const bundle = demoBundle(`${PATIENT}.json`);
  const first = await a.evaluate('StsDiagnosis', bundle, { now: NOW });
  await until(async () => (await entries()).length === 1);
  const second = await b.evaluate('StsDiagnosis', structuredClone(bundle), { now: NOW });
  expect(second).toEqual(first);
  expect(b.cacheStats?.()).toMatchObject({ hits: 1, misses: 0 });

  // What Redis holds: hashed names, encrypted values. Nothing of the chart is readable in either.
  const keys = await keysUnder(inspect, prefix);
  const values = await Promise.all((await entries()).map((k) => inspect.getBuffer(k)));
  const stored = `${keys.join(' ')} ${values.map((v) => v?.toString('latin1') ?? '').join(' ')}`;
  const resources = (bundle.entry as { resource: Json }[]).map((e) => e.resource);
  const patient = resources.find((r) => r.resourceType === 'Patient') as { name?: { family?: string }[] };
  for (const secret of [
    PATIENT,
    patient.name?.[0]?.family ?? PATIENT,
    ...resources.map((r) => String(r.id)),
    'Condition/',
    'sarcoma',
  ]) {
    expect(stored).not.toContain(secret);
  }
  // The plain result does name them: the encryption is what keeps them out.
  expect(JSON.stringify(first)).toContain(PATIENT);
  const ttl = await inspect.pttl((await entries())[0] ?? '');
  expect(ttl).toBeGreaterThan(0);
  expect(ttl).toBeLessThanOrEqual(600_000);
});

test('the entries stay within RESULT_CACHE_MAX_ENTRIES (oldest deleted) and a result over the size cap is not stored', async () => {
  const { engine: capped } = await open(TEST_REDIS_URL, { RESULT_CACHE_MAX_ENTRIES: '3', RESULT_CACHE_TTL_S: '30' });
  const bundle = demoBundle(`${PATIENT}.json`);
  for (let day = 1; day <= 6; day++) {
    await capped.evaluate('StsDiagnosis', variant(bundle, day), { now: NOW });
    await until(async () => (await inspect.zcard(`${prefix}{rc}:index`)) === Math.min(day, 3));
  }
  expect(await entries()).toHaveLength(3);
  const ttl = await inspect.pttl((await entries())[0] ?? '');
  expect(ttl).toBeLessThanOrEqual(30_000);

  await dropKeys(inspect, prefix);
  const { engine: tiny } = await open(TEST_REDIS_URL, { RESULT_CACHE_MAX_VALUE_BYTES: '1024' });
  await tiny.evaluate('StsDiagnosis', bundle, { now: NOW });
  await tiny.evaluate('StsDiagnosis', bundle, { now: NOW });
  expect(tiny.cacheStats?.()).toMatchObject({ hits: 0, misses: 2 });
  expect(await entries()).toHaveLength(0);
});

test('Redis cut away: the engine answers without the cache, and uses it again once Redis is back', async () => {
  const { engine, redis } = await open(redisViaPort(proxy.port));
  const bundle = demoBundle(`${PATIENT}.json`);
  const expected = await engine.evaluate('StsDiagnosis', bundle, { now: NOW });
  // The entry is written after the answer: wait for it before cutting.
  await until(async () => (await entries()).length === 1);

  await proxy.cut();
  for (let i = 0; i < 3; i++)
    await expect(engine.evaluate('StsDiagnosis', variant(bundle, 9), { now: NOW })).resolves.toBeDefined();
  await expect(engine.evaluate('StsDiagnosis', bundle, { now: NOW })).resolves.toEqual(expected);

  await proxy.restore();
  await until(() => redis.state().ok);
  const hitsBefore = engine.cacheStats?.().hits ?? 0;
  await engine.evaluate('StsDiagnosis', bundle, { now: NOW });
  expect(engine.cacheStats?.().hits).toBe(hitsBefore + 1);
});
