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
  // Every CDS response of the suite is checked for what PATHWAY.md marks "(to verify)" (test/helpers/response-guard.ts).
  setupFilesAfterEnv: ['<rootDir>/test/helpers/jest-setup.ts'],
};
