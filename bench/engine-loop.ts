/**
 * Engine-only timing (no HTTP, result cache off unless CACHE=1): evaluates one CQL library for every demo patient, a few rounds, and prints the mean and
 * worst milliseconds per patient. `tsx bench/engine-loop.ts [Library] [rounds]`; run with `node --cpu-prof` to profile.
 * LABS=200 adds that many lab results per patient (codes the pathway never reads), as a real chart has: what they cost.
 */
import { createCqlEngine } from '../src/cql/engine.js';
import { demoPatients, evaluatePatient } from './engine-patients.js';

const library = process.argv[2] ?? 'StsPathway';
const rounds = Number(process.argv[3] ?? 5);
const bundles = demoPatients(Number(process.env.LABS ?? 0));
const engine = createCqlEngine({
  timeZone: 'UTC',
  ...(process.env.ELM_DIR ? { elmDir: process.env.ELM_DIR } : {}),
  resultCacheSize: process.env.CACHE === '1' ? 256 : 0,
});
const per = new Map<string, number[]>();
let cpu = process.cpuUsage();
for (let r = 0; r < rounds; r++) {
  if (r === 1) cpu = process.cpuUsage();
  for (const { id, bundle } of bundles) {
    const t0 = performance.now();
    await evaluatePatient(engine, library, bundle);
    const ms = performance.now() - t0;
    if (r > 0) per.set(id, [...(per.get(id) ?? []), ms]);
  }
}
const used = process.cpuUsage(cpu);
const cpuMs = (used.user + used.system) / 1000 / ((rounds - 1) * bundles.length);
const rows = [...per].map(([id, t]) => ({ id, mean: t.reduce((a, b) => a + b, 0) / t.length }));
rows.sort((a, b) => b.mean - a.mean);
const all = rows.reduce((a, b) => a + b.mean, 0);
console.log(
  `${library}: CPU ${cpuMs.toFixed(1)} ms/patient, wall mean ${(all / rows.length).toFixed(1)} ms/patient over ${rows.length} patients (warm rounds ${rounds - 1})`,
);
for (const r of rows.slice(0, 6)) console.log(`  ${r.id.padEnd(32)} ${r.mean.toFixed(1)} ms`);
const median = rows[Math.floor(rows.length / 2)];
const fastest = rows[rows.length - 1];
if (median && fastest)
  console.log(
    `  median ${median.mean.toFixed(1)} ms (${median.id}), fastest ${fastest.mean.toFixed(1)} ms (${fastest.id})`,
  );
