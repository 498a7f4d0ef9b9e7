/** Jest runs the TypeScript sources as ESM through ts-jest (transpile only; `tsc --noEmit` type-checks separately). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  // Map our own `./x.js` imports to the .ts sources, but not cql-exec-fhir's `*.xml.js` requires.
  moduleNameMapper: { '^(\\.{1,2}/.*)(?<!\\.xml)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  testTimeout: 30000,
  // ESM test files run in fresh vm contexts, so a worker keeps every file's module graph (medplum definitions, the
  // engines) until it ends: one worker running the whole suite passed V8's 4 GiB heap limit. A worker past this size
  // after a test file is replaced (jest then uses a worker even with one core to spare).
  workerIdleMemoryLimit: '1500MB',
  // Every CDS response of the suite is checked for what PATHWAY.md marks "(to verify)" (test/helpers/response-guard.ts).
  setupFilesAfterEnv: ['<rootDir>/test/helpers/jest-setup.ts'],
};
