/**
 * Writes the demo patients (demo/*.json, FHIR R4 transaction Bundles) and demo/index.json.
 * Run: `npm run demo:build`.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDemo, toFileText } from './patients.js';

const here = dirname(fileURLToPath(import.meta.url));
const { files, index } = buildDemo();
for (const { file, bundle } of files) writeFileSync(join(here, file), toFileText(bundle));
writeFileSync(join(here, 'index.json'), toFileText(index));
console.log(`wrote ${index.length} demo patients`);
