/**
 * The service as a real process on loopback (src/server.ts or src/cluster.ts run by Node with tsx), for the tests of
 * what only a process shows: load, signals, workers dying. Its JSON log is kept and read for the listening port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly url: string;
  /** Every line written so far (stdout and stderr). */
  readonly lines: string[];
  /** Resolves with the exit code or signal once the process has ended. */
  readonly exited: Promise<number | string>;
  /** Sends `signal` (default SIGKILL) unless it has ended; waits for the end (SIGKILL after 30 s, never left running). */
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Starts `entry` (relative to the repo) with `env` on top of a development, silent-ish base; waits until it listens. */
export async function startServiceProcess(
  env: Record<string, string>,
  entry = 'src/server.ts',
  timeoutMs = 60_000,
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      STS_MODE: 'development',
      EMBEDDED_FHIR: 'false',
      HOST: '127.0.0.1',
      PORT: '0',
      ADHERENCE_STORE: 'off',
      SHUTDOWN_GRACE_MS: '3000',
      // Tests start many processes and measure no speed (test/unit/hooks/warm-up.test.ts runs the warm-up).
      WARM_UP_MS: '0',
      ...env,
      // The listening line (info) is how the port is found.
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code ?? -1)),
  );
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`service did not listen in ${timeoutMs} ms:\n${lines.join('\n')}`)),
      timeoutMs,
    );
    const onLine = (line: string): void => {
      lines.push(line);
      const m = /"port":(\d+)/.exec(line);
      if (m && line.includes('listening')) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop() ?? '';
        parts.forEach(onLine);
      });
    }
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`service exited (${how}) before listening:\n${lines.join('\n')}`));
    });
  });
  return {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    lines,
    exited,
    kill: (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const force = setTimeout(() => child.kill('SIGKILL'), 30_000);
      return exited.finally(() => clearTimeout(force));
    },
  };
}

/**
 * src/cluster.ts with `workers` workers (and `env`), returned once every worker listens (each logs its own listening
 * line), so load never starts with one worker taking every connection.
 */
export async function startClusterProcess(
  workers: number,
  env: Record<string, string> = {},
  timeoutMs = 150_000,
): Promise<ServiceProcess> {
  const service = await startServiceProcess({ ...env, WORKERS: String(workers) }, 'src/cluster.ts', timeoutMs);
  const deadline = Date.now() + timeoutMs;
  while (service.lines.filter((l) => l.includes('listening')).length < workers && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return service;
}
