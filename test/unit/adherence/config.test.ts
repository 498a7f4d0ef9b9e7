import { ConfigError, loadConfig } from '../../../src/config.js';
import { openAdherenceStore } from '../../../src/adherence/index.js';
import { createLogger } from '../../../src/log.js';

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
  test('in production the store refuses to open without PSEUDONYM_KEY (the service does not start)', async () => {
    // The production flag as loadConfig sets it (a whole production configuration also needs trusted clients).
    const config = loadConfig(dev).adherence;
    expect(config.pseudonymKeyRequired).toBe(false);
    await expect(openAdherenceStore({ ...config, pseudonymKeyRequired: true }, createLogger('silent'))).rejects.toThrow(
      /^PSEUDONYM_KEY is required in production/,
    );
  });

  test('development makes a random key per process when none is set', () => {
    const a = loadConfig(dev).adherence;
    const b = loadConfig(dev).adherence;
    expect(a.pseudonymKeyFromEnv).toBe(false);
    expect(a.pseudonymKey.equals(b.pseudonymKey)).toBe(false);
    expect(a.pseudonymKey.length).toBe(32);
  });

  test('short secrets, a bad retention and a non-postgres URL are reported together', () => {
    const problems = problemsOf({
      ...dev,
      PSEUDONYM_KEY: 'short',
      ADHERENCE_ADMIN_TOKEN: 'tiny',
      METRICS_TOKEN: 'guessable',
      ADHERENCE_RETENTION_DAYS: '0',
      DATABASE_URL: 'mysql://x',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PSEUDONYM_KEY must be at least 32/),
        expect.stringMatching(/^ADHERENCE_ADMIN_TOKEN must be at least 16/),
        expect.stringMatching(/^METRICS_TOKEN must be at least 16/),
        expect.stringMatching(/^ADHERENCE_RETENTION_DAYS must be an integer/),
        expect.stringMatching(/^DATABASE_URL must be a postgres/),
      ]),
    );
  });

  test('defaults: embedded database in memory, 365 days, 10,000 queued records', () => {
    const c = loadConfig(dev).adherence;
    expect(c).toMatchObject({
      enabled: true,
      databaseUrl: undefined,
      dataDir: undefined,
      retentionDays: 365,
      queueSize: 10_000,
      adminToken: undefined,
    });
  });
});
