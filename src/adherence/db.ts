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

/**
 * PGlite, in memory without `dataDir`, else persisted in that folder, on a worker thread of this process
 * (pglite-worker.ts says why). Resolves once the database is open.
 */
export async function openPglite(dataDir?: string): Promise<Database> {
  const worker = new Worker(workerUrl(), { workerData: dataDir });
  const pending = new Map<number, { resolve: (r: Reply & { ok: true }) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let stopped: Error | undefined;
  // The worker keeps the process alive only while it owes an answer, as a socket would.
  const holdProcess = (): void => {
    if (pending.size > 0) worker.ref();
    else worker.unref();
  };
  const stop = (err: Error): void => {
    stopped ??= err;
    for (const p of pending.values()) p.reject(stopped);
    pending.clear();
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
  worker.on('exit', () => stop(new Error('embedded database closed')));
  await ready;
  holdProcess();

  const send = (req: DistributiveOmit<Request, 'id'>): Promise<Reply & { ok: true }> => {
    if (stopped !== undefined) return Promise.reject(stopped);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      holdProcess();
      worker.postMessage({ ...req, id });
    });
  };
  const on = (tx?: number): Queryable => ({
    async query<T extends object>(sql: string, params: readonly unknown[] = []) {
      // The worker answers with PGlite's rows: objects of this shape, as the statement selects them.
      return ((await send({ op: 'query', sql, params: [...params], tx })).rows ?? []) as T[];
    },
    async exec(sql: string) {
      await send({ op: 'exec', sql, tx });
    },
  });
  return {
    kind: 'pglite',
    ...on(),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const { tx } = await send({ op: 'begin' });
      if (tx === undefined) throw new Error('embedded database: no transaction opened');
      let result: T;
      try {
        result = await fn(on(tx));
      } catch (err) {
        await send({ op: 'end', tx, commit: false }).catch(() => undefined);
        throw err;
      }
      await send({ op: 'end', tx, commit: true });
      return result;
    },
    async close() {
      if (stopped !== undefined) return;
      const exit = new Promise((resolve) => worker.once('exit', resolve));
      await send({ op: 'close' });
      // The worker ends by itself once PGlite has closed (its files written, with DATA_DIR); one that does not is
      // stopped.
      const timer = setTimeout(() => void worker.terminate(), CLOSE_TIMEOUT_MS);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** `Omit` over each member of a union (the plain one would merge them). */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
