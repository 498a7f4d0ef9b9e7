/**
 * The HTTP server around the app, with explicit timeouts, admission control and a graceful stop:
 *
 * stop (SIGTERM): /ready answers 503 "draining" and every response carries `Connection: close` for
 * `shutdownDelayMs` (load balancers and Kubernetes stop sending), then the listener closes, in-flight requests get
 * `shutdownGraceMs` to finish, the remaining connections are cut, and the `onStop` hooks run (flush queues, close
 * pools). A SIGKILL loses only the requests in flight: nothing is held in memory that a later request needs.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.js';
import { createAdmission, type Admission } from './admission.js';
import type { CapacityConfig } from './config.js';

/** Where and how to serve (fields of src/config.ts Config). */
export interface ServeConfig {
  readonly port: number;
  readonly host: string;
  readonly capacity: CapacityConfig;
}

/** What the server gives the app it serves (src/app.ts AppDeps): its load shedding and whether a stop has begun. */
export interface ServedAppHooks {
  readonly admission: Admission;
  readonly draining: () => boolean;
}

export interface ServiceOptions {
  /** Run after the server has stopped, in order (e.g. flush a queue, then close a pool); errors are logged. */
  readonly onStop?: readonly (() => Promise<void>)[];
}

export interface RunningService {
  readonly server: Server;
  readonly url: string;
  readonly port: number;
  readonly admission: Admission;
  /** Whether a stop has begun. */
  draining(): boolean;
  /** The graceful stop described above; resolves when everything is closed. Idempotent. */
  stop(): Promise<void>;
}

/** Listens with the app `createApp` builds (given the server's hooks into it), and stops as described above. */
export async function startService(
  config: ServeConfig,
  log: Logger,
  createApp: (hooks: ServedAppHooks) => RequestListener,
  options: ServiceOptions = {},
): Promise<RunningService> {
  const { capacity } = config;
  let draining = false;
  const admission = createAdmission(capacity, () => log.warn({ ...admission.stats() }, 'request shed: at capacity'));
  const app = createApp({ admission, draining: () => draining });
  const server = createServer(
    {
      headersTimeout: capacity.headersTimeoutMs,
      requestTimeout: capacity.requestTimeoutMs,
      keepAliveTimeout: capacity.keepAliveTimeoutMs,
      // How often the timeouts above are checked (Node's default, 30 s, would let a slow client stay far longer).
      connectionsCheckingInterval: Math.min(1_000, capacity.headersTimeoutMs),
    },
    app,
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      draining = true;
      log.info(
        { delayMs: capacity.shutdownDelayMs, graceMs: capacity.shutdownGraceMs },
        'stopping: not ready, draining',
      );
      await sleep(capacity.shutdownDelayMs);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      let graceTimer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        closed.then(() => false),
        new Promise<boolean>((resolve) => (graceTimer = setTimeout(() => resolve(true), capacity.shutdownGraceMs))),
      ]);
      clearTimeout(graceTimer);
      if (timedOut) {
        log.warn('grace period over: closing the connections still open');
        server.closeAllConnections();
        await closed;
      }
      admission.close();
      for (const hook of options.onStop ?? []) {
        try {
          await hook();
        } catch (err) {
          log.error({ err: err instanceof Error ? err.message : String(err) }, 'stop step failed');
        }
      }
      log.info('stopped');
    })();
    return stopping;
  };

  return {
    server,
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    admission,
    draining: () => draining,
    stop,
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
