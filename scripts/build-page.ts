/**
 * `npm run build` step: writes the pathway page's browser bundle and stylesheet next to the compiled router
 * (dist/page/client/), so the built service serves them without bundling at run time.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { CLIENT_ENTRIES, buildClientBundle, type ClientEntry } from '../src/page/client-bundle.js';

const src = fileURLToPath(new URL('../src/page/client/', import.meta.url));
const out = fileURLToPath(new URL('../dist/page/client/', import.meta.url));

await mkdir(out, { recursive: true });
for (const [entry, file] of Object.entries(CLIENT_ENTRIES) as [ClientEntry, string][]) {
  await writeFile(`${out}${file}`, await buildClientBundle(true, entry));
}
await copyFile(`${src}page.css`, `${out}page.css`);
process.stdout.write(`build-page: wrote ${Object.values(CLIENT_ENTRIES).join(', ')} and page.css in ${out}\n`);
