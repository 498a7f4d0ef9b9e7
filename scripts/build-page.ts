/**
 * `npm run build` step: writes the pathway page's browser bundle and stylesheet next to the compiled router
 * (dist/page/client/), so the built service serves them without bundling at run time.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { BUILT_BUNDLE, buildClientBundle } from '../src/page/client-bundle.js';

const src = fileURLToPath(new URL('../src/page/client/', import.meta.url));
const out = fileURLToPath(new URL('../dist/page/client/', import.meta.url));

await mkdir(out, { recursive: true });
await writeFile(`${out}${BUILT_BUNDLE}`, await buildClientBundle(true));
await copyFile(`${src}page.css`, `${out}page.css`);
process.stdout.write(`build-page: wrote ${out}${BUILT_BUNDLE} and page.css\n`);
