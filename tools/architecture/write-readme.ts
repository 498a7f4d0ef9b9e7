/**
 * Rewrites the "Architecture" diagram and table of README.md from the layer table (tools/architecture/layers.ts).
 * Run after changing the table: `npx tsx tools/architecture/write-readme.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './layers.js';
import { readmeSection, renderReadmeSection } from './render.js';

const path = join(REPO_ROOT, 'README.md');
const readme = readFileSync(path, 'utf8');
const current = readmeSection(readme);
if (current === undefined) {
  process.stderr.write('README.md has no architecture markers (see tools/architecture/render.ts)\n');
  process.exit(1);
}
const next = renderReadmeSection();
if (current === next) process.stdout.write('README.md architecture section is up to date\n');
else {
  writeFileSync(
    path,
    readme.replace(current, () => next),
  );
  process.stdout.write('README.md architecture section rewritten\n');
}
