/**
 * Engine-only timing (no HTTP, result cache off unless CACHE=1): evaluates one CQL library for every demo patient, a few rounds, and prints the mean and
 * worst milliseconds per patient. `tsx bench/engine-loop.ts [Library] [rounds]`; run with `node --cpu-prof` to profile.
 * LABS=200 adds that many lab results per patient (codes the pathway never reads), as a real chart has: what they cost.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle } from 'fhir/r4.js';
import { DEFAULT_THRESHOLDS } from '../src/config.js';
import { createCqlEngine } from '../src/cql/engine.js';
import { evaluateLibrary } from '../src/cql/pathway.js';
import { DEMO_DIR } from '../src/embedded/index.js';

const library = process.argv[2] ?? 'StsPathway';
const rounds = Number(process.argv[3] ?? 5);
const index = JSON.parse(readFileSync(join(DEMO_DIR, 'index.json'), 'utf8')) as { file: string; patientId: string }[];
const bundles = index.map((e) => {
  const b = JSON.parse(readFileSync(join(DEMO_DIR, e.file), 'utf8')) as Bundle;
  const labs = Array.from({ length: Number(process.env.LABS ?? 0) }, (_, i) => ({ resource: {
    resourceType: 'Observation', id: `lab-${i}`, status: 'final', subject: { reference: `Patient/${e.patientId}` },
    code: { coding: [{ system: 'http://loinc.org', code: ['718-7', '2160-0', '1742-6', '777-3'][i % 4] }] },
    effectiveDateTime: `2026-${String(1 + (i % 10)).padStart(2, '0')}-0${1 + (i % 9)}`, valueQuantity: { value: 10 + (i % 7), unit: 'g/dL' },
  } }));
  return { id: e.patientId, bundle: { resourceType: 'Bundle', type: 'collection', entry: [...(b.entry ?? []).map((x) => ({ resource: x.resource })), ...labs] } as Bundle };
});
const engine = createCqlEngine({ timeZone: 'UTC', ...(process.env.ELM_DIR ? { elmDir: process.env.ELM_DIR } : {}), resultCacheSize: process.env.CACHE === '1' ? 256 : 0 });
const now = new Date('2026-11-23T12:00:00Z');
const per = new Map<string, number[]>();
const extra = library === 'StsOrders' ? { Drafts: [{ id: 'draft-doxorubicin', drug: 'doxorubicin', liposomal: false }] } : {};
let cpu = process.cpuUsage();
for (let r = 0; r < rounds; r++) {
  if (r === 1) cpu = process.cpuUsage();
  for (const { id, bundle } of bundles) {
    const t0 = performance.now();
    await evaluateLibrary(engine, library, { bundle, unreadable: new Map() } as never, { now, thresholds: DEFAULT_THRESHOLDS, timeZone: 'UTC' }, extra);
    const ms = performance.now() - t0;
    if (r > 0) per.set(id, [...(per.get(id) ?? []), ms]);
  }
}
const used = process.cpuUsage(cpu);
const cpuMs = (used.user + used.system) / 1000 / ((rounds - 1) * bundles.length);
const rows = [...per].map(([id, t]) => ({ id, mean: t.reduce((a, b) => a + b, 0) / t.length }));
rows.sort((a, b) => b.mean - a.mean);
const all = rows.reduce((a, b) => a + b.mean, 0);
console.log(`${library}: CPU ${cpuMs.toFixed(1)} ms/patient, wall mean ${(all / rows.length).toFixed(1)} ms/patient over ${rows.length} patients (warm rounds ${rounds - 1})`);
for (const r of rows.slice(0, 6)) console.log(`  ${r.id.padEnd(32)} ${r.mean.toFixed(1)} ms`);
const median = rows[Math.floor(rows.length / 2)];
const fastest = rows[rows.length - 1];
if (median && fastest) console.log(`  median ${median.mean.toFixed(1)} ms (${median.id}), fastest ${fastest.mean.toFixed(1)} ms (${fastest.id})`);
