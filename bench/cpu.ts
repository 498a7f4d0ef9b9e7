/**
 * CPU time of processes, read from Linux's /proc: what a process has run on any core so far (all its threads, in ns
 * from `schedstat`), so the bench can say what a request costs in CPU whatever share of the machine the process got.
 */
import { readFileSync, readdirSync } from 'node:fs';
import pg from 'pg';

/** CPU time used so far by these processes (every thread), in ms; 0 for a process that is gone or off Linux. */
export function cpuMs(pids: readonly number[]): number {
  let ns = 0;
  for (const pid of pids) {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // Exited, or not Linux.
    }
    for (const task of tasks) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // The thread ended meanwhile.
      }
    }
  }
  return ns / 1e6;
}

/**
 * The CPU of the PostgreSQL server's backends serving one database (the bench's adherence database): the server runs
 * on this machine, its backends are processes. Other clients' databases are not counted; neither are the server's
 * shared processes (WAL writer, checkpointer), which the writes also keep busy a little.
 */
export async function postgresBackendCpu(
  url: string,
): Promise<{ read: () => Promise<number>; close: () => Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // A backend that ends between two reads takes its time with it: keep the last value seen of each.
  const last = new Map<number, number>();
  return {
    async read() {
      const rows = await client.query<{ pid: number }>(
        'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      );
      for (const { pid } of rows.rows) {
        const ms = cpuMs([pid]);
        if (ms > 0) last.set(pid, ms);
      }
      return [...last.values()].reduce((a, b) => a + b, 0);
    },
    close: () => client.end(),
  };
}

/**
 * CPU time used so far by the main thread of each of these processes, in ms: the thread that answers the hooks (a
 * Linux task whose id is the process's), without V8's helper threads or a worker's.
 */
export function mainThreadCpuMs(pids: readonly number[]): number {
  let ns = 0;
  for (const pid of pids) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // Exited, or not Linux.
    }
  }
  return ns / 1e6;
}
