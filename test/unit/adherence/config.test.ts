import { ConfigError, loadConfig } from '../../../src/config.js';

const dev = { STS_MODE: 'development', LOG_LEVEL: 'silent', EMBEDDED_FHIR: 'false' };
const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
};

describe('adherence configuration', () => {
  test('production refuses to start without PSEUDONYM_KEY', () => {
    const problems = problemsOf({ STS_MODE: 'production', EMBEDDED_FHIR: 'false' });
    expect(problems).toContainEqual(expect.stringMatching(/^PSEUDONYM_KEY is required in production/));
  });

  test('production without the store needs no key', () => {
    const problems = problemsOf({ STS_MODE: 'production', EMBEDDED_FHIR: 'false', ADHERENCE_STORE: 'false' });
    expect(problems.filter((p) => p.includes('PSEUDONYM_KEY'))).toEqual([]);
  });

  test('development makes a random key per process when none is set', () => {
    const a = loadConfig(dev).adherence;
    const b = loadConfig(dev).adherence;
    expect(a.pseudonymKeyFromEnv).toBe(false);
    expect(a.pseudonymKey.equals(b.pseudonymKey)).toBe(false);
    expect(a.pseudonymKey.length).toBe(32);
  });

  test('short secrets, a bad retention and a non-postgres URL are reported together', () => {
    const problems = problemsOf({ ...dev, PSEUDONYM_KEY: 'short', ADHERENCE_ADMIN_TOKEN: 'tiny', ADHERENCE_RETENTION_DAYS: '0', DATABASE_URL: 'mysql://x' });
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^PSEUDONYM_KEY must be at least 32/),
      expect.stringMatching(/^ADHERENCE_ADMIN_TOKEN must be at least 16/),
      expect.stringMatching(/^ADHERENCE_RETENTION_DAYS must be an integer/),
      expect.stringMatching(/^DATABASE_URL must be a postgres/),
    ]));
  });

  test('defaults: embedded database in memory, 365 days, 10,000 queued records', () => {
    const c = loadConfig(dev).adherence;
    expect(c).toMatchObject({ enabled: true, databaseUrl: undefined, dataDir: undefined, retentionDays: 365, queueSize: 10_000, adminToken: undefined });
  });
});
