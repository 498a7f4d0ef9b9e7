/**
 * Engine A/B in one process (result cache off): the interpreter (cql-execution) and the compiled engine evaluate a
 * library for every demo patient and for the multi-year charts of bench/charts.ts, in alternating rounds, and the
 * median CPU ms per patient of each is printed with the ratio. Alternating inside one process keeps the machine's load
 * (which moves 20-40 % between runs here) out of the ratio.
 *   tsx bench/engine-ab.ts [Library = StsPathway] [rounds = 8]
 * With ELM_A=<dir>, compares the interpreter over the ELM of <dir> with the interpreter over cql/ instead (a CQL change).
 * Before measuring, each engine evaluates every bundle ENGINE_AB_WARMUP times (default 20, alternating as well): the
 * compiled engine's ~1,000 generated functions each run once per evaluation, and V8 optimizes them only after some
 * twenty rounds of the demo patients (the interpreter's few hot functions after about five); with one warm-up round
 * (`ENGINE_AB_WARMUP=1`, how the passes before the eighth measured) the compiled column is mostly code not yet
 * optimized (bench/profile.md, "Eighth pass").
 */
import os from 'node:os';
import type { Bundle } from 'fhir/r4.js';
import { createCqlEngine, DEFAULT_ELM_DIR, type CqlEngine } from '../src/cql/engine.js';
import { CHART_SIZES, chartBundle } from './charts.js';
import { demoPatients, evaluatePatient } from './engine-patients.js';

const [library = 'StsPathway', roundsArg = '8'] = process.argv.slice(2);
const rounds = Number(roundsArg);
const warmup = Math.max(1, Number(process.env.ENGINE_AB_WARMUP ?? 20));
const patients = demoPatients();

const engines: { label: string; engine: CqlEngine }[] = process.env.ELM_A
  ? [
      {
        label: `interpreter ${process.env.ELM_A}`,
        engine: createCqlEngine({ resultCacheSize: 0, elmDir: process.env.ELM_A }),
      },
      {
        label: 'interpreter cql/',
        engine: createCqlEngine({ resultCacheSize: 0, elmDir: DEFAULT_ELM_DIR, engine: 'interpreter' }),
      },
    ]
  : [
      { label: 'interpreter', engine: createCqlEngine({ resultCacheSize: 0, engine: 'interpreter' }) },
      { label: 'compiled', engine: createCqlEngine({ resultCacheSize: 0, engine: 'compiled' }) },
    ];

const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (xs: readonly number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/** Median CPU ms of each bundle (and of their mean) per engine, over alternating rounds. */
async function measure(bundles: readonly Bundle[], roundsFor: number): Promise<{ mean: number[]; each: number[][] }> {
  const each = engines.map(() => bundles.map(() => [] as number[]));
  const mean = engines.map(() => [] as number[]);
  for (let w = 0; w < warmup; w++)
    for (const { engine } of engines) for (const b of bundles) await evaluatePatient(engine, library, b);
  for (let r = 0; r < roundsFor; r++) {
    for (const [i, { engine }] of engines.entries()) {
      const t0 = cpu();
      for (const [j, b] of bundles.entries()) {
        const t = cpu();
        await evaluatePatient(engine, library, b);
        each[i]![j]!.push(cpu() - t);
      }
      mean[i]!.push((cpu() - t0) / bundles.length);
    }
  }
  return { mean: mean.map(median), each: each.map((e) => e.map(median)) };
}

const out: string[] = [];
const load = (): string =>
  os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
out.push(
  `${library}: median CPU ms per patient over ${rounds} alternating rounds after ${warmup} warm-up rounds, result cache off; load average at start ${load()}`,
);
const [a, b] = engines;
const demo = await measure(
  patients.map((p) => p.bundle),
  rounds,
);
const slowest = (i: number): string => {
  const e = demo.each[i]!;
  const j = e.indexOf(Math.max(...e));
  return `${e[j]!.toFixed(2)} (${patients[j]!.id})`;
};
out.push(`| patients | ${a!.label} | ${b!.label} | ratio |`, '|---|---|---|---|');
out.push(
  `| ${patients.length} demo patients, mean | ${demo.mean[0]!.toFixed(2)} | ${demo.mean[1]!.toFixed(2)} | ${(demo.mean[0]! / demo.mean[1]!).toFixed(1)}x |`,
);
out.push(
  `| slowest demo patient | ${slowest(0)} | ${slowest(1)} | ${(Math.max(...demo.each[0]!) / Math.max(...demo.each[1]!)).toFixed(1)}x |`,
);
for (const size of CHART_SIZES) {
  const chart = await measure([chartBundle(size)], Math.max(3, Math.ceil(rounds / 2)));
  const resources = chartBundle(size).entry?.length ?? 0;
  out.push(
    `| ${size.label} (${resources} resources) | ${chart.mean[0]!.toFixed(2)} | ${chart.mean[1]!.toFixed(2)} | ${(chart.mean[0]! / chart.mean[1]!).toFixed(1)}x |`,
  );
}
out.push(`load average at end ${load()}`);
process.stdout.write(`${out.join('\n')}\n`);
