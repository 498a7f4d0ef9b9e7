/**
 * Shared-state configuration (src/shared-state/config.ts): without REDIS_URL the state stays in process; a bad URL,
 * prefix or bound stops the service at start with the other problems, as every setting does.
 */
import { ConfigError, loadConfig } from '../../../src/config.js';

const base = { STS_MODE: 'development', LOG_LEVEL: 'silent', EMBEDDED_FHIR: 'false' };

const problemsOf = (env: Record<string, string>): readonly string[] => {
  try {
    loadConfig({ ...base, ...env });
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
};

test('without REDIS_URL the state stays in process; the documented defaults apply', () => {
  expect(loadConfig(base).sharedState).toEqual({
    redisUrl: undefined,
    keyPrefix: 'sts-cds:',
    commandTimeoutMs: 1000,
    resultTtlS: 600,
    resultMaxEntries: 5000,
    resultMaxValueBytes: 131072,
  });
});

test('a redis:// or rediss:// URL and the bounds are read', () => {
  const shared = loadConfig({
    ...base,
    REDIS_URL: 'rediss://:secret@redis.example.org:6380/2',
    REDIS_KEY_PREFIX: 'cds-prod:',
    RESULT_CACHE_MAX_ENTRIES: '0',
  }).sharedState;
  expect(shared).toMatchObject({
    redisUrl: 'rediss://:secret@redis.example.org:6380/2',
    keyPrefix: 'cds-prod:',
    resultMaxEntries: 0,
  });
});

test('a wrong URL, prefix or bound is reported with the other problems', () => {
  const problems = problemsOf({
    REDIS_URL: 'http://redis:6379',
    REDIS_KEY_PREFIX: 'has space',
    RESULT_CACHE_TTL_S: '0',
    REDIS_TIMEOUT_MS: 'soon',
  });
  expect(problems).toEqual(
    expect.arrayContaining([
      'REDIS_URL must be a redis:// or rediss:// URL',
      'REDIS_KEY_PREFIX must be 1-64 characters of A-Z a-z 0-9 : . _ -',
      expect.stringMatching(/^RESULT_CACHE_TTL_S must be an integer/),
      expect.stringMatching(/^REDIS_TIMEOUT_MS must be an integer/),
    ]),
  );
});
