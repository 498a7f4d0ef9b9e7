/**
 * Engine A/B in one process (result cache off): evaluates a library for every demo patient with the ELM of directory
 * A, then of directory B, in alternating rounds, and prints the median CPU ms per patient of each. Alternating inside
 * one process keeps the machine's load (which moves 20-40 % between runs here) out of the comparison.
 *   tsx bench/engine-ab.ts <ELM dir A> [ELM dir B = cql/] [Library = StsPathway] [rounds = 8]
 */
import { createCqlEngine, DEFAULT_ELM_DIR, type CqlEngine } from '../src/cql/engine.js';
import { demoPatients, evaluatePatient } from './engine-patients.js';

const [dirA, dirB = DEFAULT_ELM_DIR, library = 'StsPathway', roundsArg = '8'] = process.argv.slice(2);
if (dirA === undefined) {
  process.stderr.write('usage: tsx bench/engine-ab.ts <ELM dir A> [ELM dir B] [Library] [rounds]\n');
  process.exit(2);
}
const patients = demoPatients();

/** CPU ms per patient of one round over every demo patient. */
async function round(engine: CqlEngine): Promise<number> {
  const before = process.cpuUsage();
  for (const { bundle } of patients) await evaluatePatient(engine, library, bundle);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / patients.length;
}

const engines = [dirA, dirB].map((elmDir) => createCqlEngine({ timeZone: 'UTC', resultCacheSize: 0, elmDir }));
const times: number[][] = [[], []];
for (const e of engines) await round(e); // warm-up
for (let r = 0; r < Number(roundsArg); r++) {
  for (const [i, e] of engines.entries()) times[i]?.push(await round(e));
}
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const [a, b] = times.map(median);
process.stdout.write(`${library}, median CPU ms per patient over ${roundsArg} alternating rounds: A ${a?.toFixed(2)} (${dirA}), B ${b?.toFixed(2)} (${dirB})\n`);
