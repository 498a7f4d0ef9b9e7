/**
 * The adherence database behind one small interface, so the same SQL runs on a PostgreSQL server (node-postgres, with
 * DATABASE_URL) and on PGlite (embedded PostgreSQL in WASM: in memory, or on disk in DATA_DIR).
 */
import pg from 'pg';

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

/** PGlite: in memory without `dataDir`, else persisted in that folder. */
export async function openPglite(dataDir?: string): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(dataDir);
  const on = (q: { query: typeof db.query; exec: typeof db.exec }): Queryable => ({
    async query<T extends object>(sql: string, params: readonly unknown[] = []) {
      return (await q.query<T>(sql, [...params])).rows;
    },
    async exec(sql: string) {
      await q.exec(sql);
    },
  });
  return {
    kind: 'pglite',
    ...on(db),
    transaction: (fn) => db.transaction((tx) => fn(on(tx))),
    close: () => db.close(),
  };
}
