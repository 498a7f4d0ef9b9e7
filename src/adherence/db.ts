/**
 * The adherence database behind one small interface, so the same SQL runs on a PostgreSQL server (node-postgres, with
 * DATABASE_URL) and on PGlite (embedded PostgreSQL in WASM: in memory, or on disk in DATA_DIR; on a worker thread).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import type { Reply, Request } from './pglite-worker.js';

/** Something SQL can be sent to: the database, or one transaction of it. */
export interface Queryable {
  /** One statement with `$n` parameters. */
  query<T extends object>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Limits of the server driver: a database that stops answering fails a request quickly instead of holding it. */
export interface PostgresOptions {
  readonly connectionTimeoutMs?: number;
  readonly queryTimeoutMs?: number;
  readonly maxConnections?: number;
  /** Told about errors of idle connections (a restarted server), which would otherwise crash the process. */
  readonly onIdleError?: (err: Error) => void;
}

/** A PostgreSQL server through a node-postgres pool. */
export function openPostgres(url: string, opts: PostgresOptions = {}): Database {
  const pool = new pg.Pool({
    connectionString: url,
    connectionTimeoutMillis: opts.connectionTimeoutMs ?? 2_000,
    query_timeout: opts.queryTimeoutMs ?? 5_000,
    max: opts.maxConnections ?? 5,
    idleTimeoutMillis: 30_000,
  });
  pool.on('error', (err) => opts.onIdleError?.(err));
  const on = (client: pg.Pool | pg.PoolClient): Queryable => ({
    async query<T extends object>(sql: string, params: readonly unknown[] = []) {
      return (await client.query<T>(sql, [...params])).rows;
    },
    async exec(sql: string) {
      await client.query(sql);
    },
  });
  return {
    kind: 'postgres',
    ...on(pool),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken: unknown;
      try {
        await client.query('BEGIN');
        const result = await fn(on(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        broken = err;
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        // A connection that failed mid-transaction is not reused.
        client.release(broken instanceof Error ? broken : undefined);
      }
    },
    close: () => pool.end(),
  };
}

/** The error of a statement the embedded database refused, with its SQLSTATE like node-postgres's. */
class EmbeddedDatabaseError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

const CLOSE_TIMEOUT_MS = 5_000;

/** The worker's file beside this one: .js when built, the .ts source otherwise (tests, `npm start` through tsx). */
function workerUrl(): URL {
  const built = new URL('./pglite-worker.js', import.meta.url);
  return existsSync(fileURLToPath(built)) ? built : new URL('./pglite-worker.ts', import.meta.url);
}

/** Waits before starting a worker again after one ended unasked: doubled after each failed start, up to the maximum. */
const RESTART_MIN_MS = 1_000;
const RESTART_MAX_MS = 30_000;

export interface PgliteOptions {
  /**
   * Run on a worker started again after the previous one ended unasked (a WASM abort, out of memory), before it takes
   * the service's statements: the migrations, which an in-memory database has lost with its worker.
   */
  readonly onRestart?: (db: Database) => Promise<void>;
  /** Told when a worker ended unasked, when a new one is ready and when starting one failed (logging). */
  readonly onEvent?: (event: 'stopped' | 'restarted' | 'restart-failed', detail: string) => void;
  /** Given each worker thread as it starts (a test ends one to see the database come back). */
  readonly onWorker?: (worker: Worker) => void;
}

/** One worker thread running PGlite, and the statements it owes an answer to. */
interface WorkerLink {
  send(req: DistributiveOmit<Request, 'id'>): Promise<Reply & { ok: true }>;
  /** Resolves once PGlite is open; rejects when the worker ends before. */
  readonly ready: Promise<void>;
  /** Resolves when the worker has ended, with why when it was not asked to. */
  readonly ended: Promise<Error>;
  terminate(): Promise<void>;
}

function startWorker(dataDir: string | undefined, onWorker?: (worker: Worker) => void): WorkerLink {
  const worker = new Worker(workerUrl(), { workerData: dataDir });
  onWorker?.(worker);
  const pending = new Map<number, { resolve: (r: Reply & { ok: true }) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let stopped: Error | undefined;
  // The worker keeps the process alive only while it owes an answer, as a socket would.
  const holdProcess = (): void => {
    if (pending.size > 0) worker.ref();
    else worker.unref();
  };
  let endedWith: (err: Error) => void = () => undefined;
  const ended = new Promise<Error>((resolve) => (endedWith = resolve));
  const stop = (err: Error): void => {
    stopped ??= err;
    for (const p of pending.values()) p.reject(stopped);
    pending.clear();
    endedWith(stopped);
  };
  const ready = new Promise<void>((resolve, reject) => {
    pending.set(0, { resolve: () => resolve(), reject });
  });
  worker.on('message', (reply: Reply) => {
    const p = pending.get(reply.id);
    if (p === undefined) return;
    pending.delete(reply.id);
    holdProcess();
    if (reply.ok) p.resolve(reply);
    else p.reject(new EmbeddedDatabaseError(reply.error.message, reply.error.code));
  });
  worker.on('error', (err: Error) => stop(new Error(`embedded database stopped: ${err.message}`)));
  worker.on('exit', (code) => stop(new Error(`embedded database closed (worker exit code ${code})`)));
  void ready.then(holdProcess, () => undefined);
  return {
    ready,
    ended,
    send(req) {
      if (stopped !== undefined) return Promise.reject(stopped);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        holdProcess();
        worker.postMessage({ ...req, id });
      });
    },
    async terminate() {
      await worker.terminate();
    },
  };
}

/**
 * PGlite, in memory without `dataDir`, else persisted in that folder, on a worker thread of this process
 * (pglite-worker.ts says why). Resolves once the database is open. A worker that ends unasked is started again (after
 * 1 s, then up to 30 s apart while starts fail), with `onRestart` run first; meanwhile every statement fails at once,
 * so the card recorder keeps its queue and retries and feedback is answered 503, as with a PostgreSQL server that is
 * down. An in-memory database starts again empty; one in `dataDir` where it stopped.
 */
export async function openPglite(dataDir?: string, opts: PgliteOptions = {}): Promise<Database> {
  let link = startWorker(dataDir, opts.onWorker);
  await link.ready;
  let closing = false;
  let down: Error | undefined;

  const watch = (current: WorkerLink): void => {
    void current.ended.then(async (why) => {
      if (closing) return;
      down = new Error(`${why.message}; starting it again`);
      opts.onEvent?.('stopped', why.message);
      let wait = RESTART_MIN_MS;
      while (!closing) {
        await new Promise((resolve) => setTimeout(resolve, wait).unref());
        if (closing) return;
        const next = startWorker(dataDir, opts.onWorker);
        try {
          await next.ready;
          await opts.onRestart?.(
            over(
              () => next,
              () => undefined,
            ),
          );
          link = next;
          down = undefined;
          opts.onEvent?.('restarted', dataDir === undefined ? 'in memory, empty' : 'from its folder');
          watch(next);
          return;
        } catch (err) {
          await next.terminate().catch(() => undefined);
          opts.onEvent?.('restart-failed', err instanceof Error ? err.message : String(err));
          wait = Math.min(RESTART_MAX_MS, wait * 2);
        }
      }
    });
  };
  watch(link);

  return {
    ...over(
      () => link,
      () => down,
    ),
    async close() {
      if (closing) return;
      closing = true;
      if (down !== undefined) return;
      const owner = link;
      await owner.send({ op: 'close' }).catch(() => undefined);
      // The worker ends by itself once PGlite has closed (its files written, with DATA_DIR); one that does not is
      // stopped.
      const timer = setTimeout(() => void owner.terminate(), CLOSE_TIMEOUT_MS);
      await owner.ended;
      clearTimeout(timer);
    },
  };
}

/**
 * The database over the worker `linkOf` gives, refusing every statement while `refusal` gives a reason. A transaction
 * stays on the worker it began on and fails if another has taken over.
 */
function over(linkOf: () => WorkerLink, refusal: () => Error | undefined): Database {
  const sendTo = (owner: WorkerLink, req: DistributiveOmit<Request, 'id'>): Promise<Reply & { ok: true }> => {
    const why = refusal() ?? (owner === linkOf() ? undefined : new Error('embedded database started again'));
    return why !== undefined ? Promise.reject(why) : owner.send(req);
  };
  const on = (owner: () => WorkerLink, tx?: number): Queryable => ({
    async query<T extends object>(sql: string, params: readonly unknown[] = []) {
      // The worker answers with PGlite's rows: objects of this shape, as the statement selects them.
      return ((await sendTo(owner(), { op: 'query', sql, params: [...params], tx })).rows ?? []) as T[];
    },
    async exec(sql: string) {
      await sendTo(owner(), { op: 'exec', sql, tx });
    },
  });
  return {
    kind: 'pglite',
    ...on(linkOf),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const owner = linkOf();
      const { tx } = await sendTo(owner, { op: 'begin' });
      if (tx === undefined) throw new Error('embedded database: no transaction opened');
      let result: T;
      try {
        result = await fn(on(() => owner, tx));
      } catch (err) {
        await sendTo(owner, { op: 'end', tx, commit: false }).catch(() => undefined);
        throw err;
      }
      await sendTo(owner, { op: 'end', tx, commit: true });
      return result;
    },
    close: async () => undefined,
  };
}

/** `Omit` over each member of a union (the plain one would merge them). */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
