/**
 * Runs before every test file (jest.config.js `setupFilesAfterEnv`): every CDS response the file's apps send is checked
 * for what PATHWAY.md marks "(to verify)" (test/helpers/response-guard.ts), and the test during which one was sent fails.
 */
import { afterEach } from '@jest/globals';
import { installResponseGuard, takeGuardProblems } from './response-guard.js';

installResponseGuard();

afterEach(() => {
  const problems = takeGuardProblems();
  if (problems.length > 0) {
    throw new Error(`A CDS response emitted or showed what PATHWAY.md marks "(to verify)":\n${problems.join('\n')}`);
  }
});
