/**
 * HAProxy (Debian's `haproxy`, installed by .ci/run) as the load balancer in front of service processes on loopback,
 * configured as a deployment would: health checks on GET /ready (a replica that is stopping or cannot reach Redis
 * leaves the pool), connections to a replica that is gone retried on the other (`retry-on`, `redispatch`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where HAProxy is, or undefined when it is not installed. */
export function haproxyPath(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v haproxy'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path !== '' ? path : undefined;
}

/**
 * Whether the HAProxy tests run: locally they skip with a message when HAProxy is missing; in CI (CI=true, where
 * .ci/run installs it) a missing HAProxy fails them instead of passing unseen.
 */
export function haproxyOrSkip(file: string): boolean {
  if (haproxyPath() !== undefined) return true;
  if (process.env.CI === 'true') throw new Error('haproxy is not installed (CI installs it with apt-get: see .ci/run)');
  process.stderr.write(`${file}: skipped, haproxy is not installed (apt-get install -y haproxy)\n`);
  return false;
}

/** A free loopback port (released at once: the caller listens on it next). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface Haproxy {
  readonly url: string;
  readonly port: number;
  /** How many backends HAProxy's health checks currently count as up (its stats socket). */
  serversUp(): Promise<number>;
  /** Waits until every backend is up in HAProxy's eyes (a replica started again is not sent traffic before). */
  waitAllUp(ms?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts HAProxy on a free port in front of `backends` (loopback ports), in the foreground; stopped by `stop()`. */
export async function startHaproxy(backends: readonly number[]): Promise<Haproxy> {
  const bin = haproxyPath();
  if (bin === undefined) throw new Error('haproxy is not installed');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'haproxy-'));
  const config = join(dir, 'haproxy.cfg');
  const socket = join(dir, 'admin.sock');
  writeFileSync(
    config,
    `global
  maxconn 2000
  stats socket ${socket} mode 600 level operator
  # A whole hook request (prefetch included) must fit in the buffer for a retry to resend it.
  tune.bufsize 65536

defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout http-keep-alive 10s
  # A replica that refuses the connection (stopped) or closes it without an answer (killed): send the request to the
  # other one. A 503 the service sends (Retry-After) is an answer, not retried.
  retries 3
  retry-on conn-failure empty-response
  option redispatch 1

frontend cds
  bind 127.0.0.1:${port}
  default_backend replicas

backend replicas
  balance roundrobin
  option httpchk GET /ready
  http-check expect status 200
  # Checked every 250 ms; a replica that answers /ready with 503 (stopping, Redis away) is out after two. A slow
  # answer on a loaded machine is not a failure: 5 s per check.
  timeout check 5s
  default-server inter 250ms fastinter 250ms downinter 500ms fall 2 rise 2
${backends.map((p, i) => `  server replica${i + 1} 127.0.0.1:${p} check`).join('\n')}
`,
  );
  const check = spawnSync(bin, ['-c', '-f', config], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`haproxy configuration refused:\n${check.stdout}${check.stderr}`);
  const child: ChildProcess = spawn(bin, ['-db', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Listening once a TCP connection is accepted.
  const deadline = Date.now() + 15_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2_000) }).then(
      () => true,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('haproxy did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const serversUp = async (): Promise<number> => {
    const csv = await new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const c = connect(socket, () => c.end('show stat\n'));
      c.on('data', (d: Buffer) => chunks.push(d));
      c.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      c.on('error', reject);
    });
    // CSV: pxname,svname,...,status (18th field); one line per server.
    return csv.split('\n').filter((l) => l.startsWith('replicas,replica') && l.split(',')[17]?.startsWith('UP')).length;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    serversUp,
    waitAllUp: async (ms = 60_000) => {
      const end = Date.now() + ms;
      while ((await serversUp()) < backends.length) {
        if (Date.now() > end) throw new Error('HAProxy does not count every replica as up');
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
