/**
 * The embedded PGlite database on a worker thread of the service's process (opened by `openPglite`, db.ts): its WASM
 * work, its stalls (a new WAL segment, a checkpoint: 100-300 ms each, bench/profile.md ninth pass) and its garbage run
 * beside the event loop that answers hooks, not on it. The CPU is the process's all the same (bench/profile.md, tenth
 * pass). Messages are `Request`s, answered by `Reply`s of the same id.
 *
 * Only `node:` modules and PGlite are imported, and only erasable TypeScript is used, so Node can run this file from
 * the sources (the tests) as well as from dist/.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type Transaction } from '@electric-sql/pglite';

/** What the service asks of the worker. `tx` names an open transaction (from `begin`). */
export type Request =
  | {
      readonly id: number;
      readonly op: 'query';
      readonly sql: string;
      readonly params: unknown[];
      readonly tx?: number;
    }
  | { readonly id: number; readonly op: 'exec'; readonly sql: string; readonly tx?: number }
  | { readonly id: number; readonly op: 'begin' }
  | { readonly id: number; readonly op: 'end'; readonly tx: number; readonly commit: boolean }
  | { readonly id: number; readonly op: 'close' };

/** An error as the service sees it: its message and SQLSTATE (the recorder tells a data error by it). */
export interface ReplyError {
  readonly message: string;
  readonly code?: string;
}

export type Reply =
  | { readonly id: number; readonly ok: true; readonly rows?: unknown[]; readonly tx?: number }
  | { readonly id: number; readonly ok: false; readonly error: ReplyError };

const port = parentPort;
if (port === null) throw new Error('pglite-worker.ts runs as a worker thread (db.ts, openPglite)');
const dataDir: unknown = workerData;
const db = await PGlite.create(typeof dataDir === 'string' ? dataDir : undefined);

/** Open transactions: their PGlite handle, how to end them and when PGlite has ended them. */
const open = new Map<
  number,
  { readonly tx: Transaction; readonly end: (commit: boolean) => void; done?: Promise<void> }
>();
let nextTx = 1;
/** Thrown inside PGlite's transaction to have it roll back; not an error to report. */
const ROLLBACK = new Error('rolled back by the service');

const replyError = (err: unknown): ReplyError => {
  const message = err instanceof Error ? err.message : String(err);
  const code =
    typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
  return code === undefined ? { message } : { message, code };
};

const target = (tx: number | undefined): PGlite | Transaction => {
  if (tx === undefined) return db;
  const t = open.get(tx);
  if (t === undefined) throw new Error(`transaction ${tx} is not open`);
  return t.tx;
};

/** Opens a transaction and answers with its number once it holds PGlite; it stays open until `end`. */
function begin(id: number): void {
  const n = nextTx++;
  let started = false;
  const done = db
    .transaction(
      (tx) =>
        new Promise<void>((resolve, reject) => {
          started = true;
          open.set(n, { tx, end: (commit) => (commit ? resolve() : reject(ROLLBACK)), done });
          port?.postMessage({ id, ok: true, tx: n } satisfies Reply);
        }),
    )
    .catch((err: unknown) => {
      if (err !== ROLLBACK) throw err;
    })
    .finally(() => open.delete(n));
  // A transaction that fails to start is answered here; one that fails to commit, by `end`.
  done.catch((err: unknown) => {
    if (!started) port?.postMessage({ id, ok: false, error: replyError(err) } satisfies Reply);
  });
}

async function handle(req: Request): Promise<Reply | undefined> {
  switch (req.op) {
    case 'query':
      return { id: req.id, ok: true, rows: (await target(req.tx).query(req.sql, req.params)).rows };
    case 'exec':
      await target(req.tx).exec(req.sql);
      return { id: req.id, ok: true };
    case 'begin':
      begin(req.id);
      return undefined;
    case 'end': {
      const t = open.get(req.tx);
      if (t === undefined) throw new Error(`transaction ${req.tx} is not open`);
      t.end(req.commit);
      // PGlite commits (or rolls back) when the transaction's function settles; the answer waits for that.
      await t.done;
      return { id: req.id, ok: true };
    }
    case 'close':
      await db.close();
      return { id: req.id, ok: true };
  }
}

port.on('message', (req: Request) => {
  handle(req).then(
    (reply) => {
      if (reply !== undefined) port.postMessage(reply);
      if (req.op === 'close') port.close();
    },
    (err: unknown) => port.postMessage({ id: req.id, ok: false, error: replyError(err) } satisfies Reply),
  );
});
port.postMessage({ id: 0, ok: true } satisfies Reply);
