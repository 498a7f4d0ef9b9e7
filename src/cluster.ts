/**
 * Entry point with one service process per core: `WORKERS=2 tsx src/cluster.ts` forks WORKERS copies of src/server.ts
 * that share the listening port (node:cluster hands connections round-robin). WORKERS=1 (the default) runs the server
 * in this process. CQL evaluation is CPU-bound on one thread, so a second worker is what uses the second core
 * (bench/profile.md). Each worker has its own result cache and, with EMBEDDED_FHIR, its own embedded FHIR server: a
 * write to one worker's /fhir is not seen by the others, so use one worker when clients write demo data.
 */
import cluster from 'node:cluster';

/** WORKERS: 1-64, default 1. Read here, not in config.ts: only this entry point forks. */
function workerCount(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 1;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    process.stderr.write(`Invalid configuration:\n- WORKERS must be an integer from 1 to 64 (got '${raw}')\n`);
    process.exit(1);
  }
  return n;
}

const workers = workerCount(process.env.WORKERS);
if (workers === 1 || !cluster.isPrimary) {
  await import('./server.js');
} else {
  let stopping = false;
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    process.stderr.write(`worker ${worker.process.pid} exited (${signal ?? code}); starting another\n`);
    cluster.fork();
  });
  const stop = (): void => {
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
