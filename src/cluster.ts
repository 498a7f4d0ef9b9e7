/**
 * Entry point with one service process per core: `WORKERS=2 tsx src/cluster.ts` forks WORKERS copies of src/server.ts
 * that share the listening port. WORKERS=1 (the default) runs the server in this process. CQL evaluation is CPU-bound
 * on one thread, so a second worker is what uses the second core (bench/profile.md). Each worker has its own result
 * cache (unless REDIS_URL) and, with EMBEDDED_FHIR, its own embedded FHIR server: a write to one worker's /fhir is not
 * seen by the others, so use one worker when clients write demo data.
 *
 * The workers accept connections themselves (SCHED_NONE): with Node's default round-robin the primary accepts each
 * connection and hands it to a worker, and a connection handed to a worker that dies before taking it stays open in
 * the primary, unread, until the client gives up (issue 15 item 8). Here the primary never holds a client connection,
 * and a dead worker's connections close with its process. On SIGTERM the primary passes it on to the workers, waits
 * for their graceful stop (src/lifecycle/serve.ts) and exits. GET /metrics is aggregated over every worker
 * (src/observability/cluster-metrics.ts).
 */
import cluster, { type Worker } from 'node:cluster';
import { serveClusterMetrics } from './observability/cluster-metrics.js';

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
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  // GET /metrics, whichever worker gets it, answers for every worker.
  serveClusterMetrics();
  let stopping = false;
  const fork = (): Worker => {
    const worker = cluster.fork();
    process.stderr.write(`worker ${worker.process.pid} started\n`);
    return worker;
  };
  for (let i = 0; i < workers; i++) fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    process.stderr.write(`worker ${worker.process.pid} exited (${signal ?? code}); starting another\n`);
    fork();
  });
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    const running = Object.values(cluster.workers ?? {});
    if (running.length === 0) process.exit(0);
    for (const w of running) w?.process.kill('SIGTERM');
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
