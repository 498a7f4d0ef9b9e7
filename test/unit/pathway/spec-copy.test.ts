/**
 * The repo carries the spec it implements: docs/PATHWAY.md is a byte copy of ../shared/pathway/PATHWAY.md (where that
 * file is present beside the clone) and names the version the service announces (PATHWAY_VERSION).
 */
import { expect, test } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PATHWAY_VERSION, SOURCE_LABEL } from '../../../src/pathway/version.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const copy = readFileSync(`${root}docs/PATHWAY.md`);

test('docs/PATHWAY.md names PATHWAY_VERSION as its version and card source label', () => {
  const text = copy.toString('utf8');
  expect(/^Pathway version: `([^`]+)`/m.exec(text)?.[1]).toBe(PATHWAY_VERSION);
  expect(/^> \*\*Changelog ([\d.]+)\*\*/m.exec(text)?.[1]).toBe(PATHWAY_VERSION);
  expect(text).toContain(`| Card \`source.label\` | \`${SOURCE_LABEL}\` |`);
});

// The shared spec sits beside the clone (<clone>/../shared); a git worktree one level deeper sees it at ../../shared.
const shared = [`${root}../shared/pathway/PATHWAY.md`, `${root}../../shared/pathway/PATHWAY.md`].find((p) =>
  existsSync(p),
);

(shared === undefined ? test.skip : test)('docs/PATHWAY.md is a byte copy of the shared PATHWAY.md', () => {
  expect(copy.equals(readFileSync(shared!))).toBe(true);
});
