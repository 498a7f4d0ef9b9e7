/**
 * Jest runs the TypeScript sources as ESM through ts-jest (transpile only; `tsc --noEmit` type-checks separately).
 * The tests come in four projects (tiers): `npm test` runs unit, integration and e2e; `npm run test:slow` runs slow
 * (a cluster of processes, HAProxy, thousands of requests); `.ci/run` runs all four. A path given on the command line
 * (`npx jest test/...`) runs in whichever project holds it.
 */

/** The slow tier: scale-out behind HAProxy, cluster lifecycle, the fuzz and engine-diff runs, the memory probe. */
const SLOW = [
  'test/integration/scale/',
  'test/integration/lifecycle/',
  'test/integration/observability/cluster-metrics.test.ts',
  'test/integration/robustness/bounded-memory.test.ts',
  'test/integration/robustness/fuzz.test.ts',
  'test/integration/engine/engine-diff.test.ts',
];

/** What every tier shares. */
const base = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  // Map our own `./x.js` imports to the .ts sources, but not cql-exec-fhir's `*.xml.js` requires.
  moduleNameMapper: { '^(\\.{1,2}/.*)(?<!\\.xml)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  // Every CDS response of the suite is checked for what PATHWAY.md marks "(to verify)" (test/helpers/response-guard.ts).
  setupFilesAfterEnv: ['<rootDir>/test/helpers/jest-setup.ts'],
};

/** A tier of the tests under `dir` (`test/unit/`...), leaving out the slow ones. */
const tier = (displayName, dir) => ({
  ...base,
  displayName,
  testMatch: [`<rootDir>/${dir}**/*.test.ts`],
  testPathIgnorePatterns: [...base.testPathIgnorePatterns, ...SLOW.map((p) => `<rootDir>/${p}`)],
});

export default {
  testTimeout: 30000,
  // ESM test files run in fresh vm contexts, so a worker keeps every file's module graph (medplum definitions, the
  // engines) until it ends: one worker running the whole suite passed V8's 4 GiB heap limit. A worker past this size
  // after a test file is replaced (jest then uses a worker even with one core to spare).
  workerIdleMemoryLimit: '1500MB',
  projects: [
    tier('unit', 'test/unit/'),
    tier('integration', 'test/integration/'),
    tier('e2e', 'test/e2e/'),
    {
      ...base,
      displayName: 'slow',
      testMatch: SLOW.map((p) => (p.endsWith('/') ? `<rootDir>/${p}**/*.test.ts` : `<rootDir>/${p}`)),
    },
  ],
};
