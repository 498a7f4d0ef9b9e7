/**
 * Card records are written off the request path: a hook response only appends its record to a bounded queue, and one
 * writer drains it in batches. When the database is down the writer keeps the batch and retries with backoff while
 * the queue fills; once it is full, new records are dropped, counted and logged (never a blocked or failed response).
 */
import type { Logger } from '../log.js';
import type { Database } from './db.js';
import type { ResponseRecord } from './records.js';

export interface RecorderStats {
  readonly queued: number;
  readonly written: number;
  /** Records not kept because the queue was full. */
  readonly dropped: number;
  /** Records the database refused (bad data, not an outage): logged and not retried. */
  readonly rejected: number;
  /** The last write failed for want of the database (an outage, not bad data): records wait and are retried. */
  readonly failing: boolean;
}

const BATCH = 100;
/**
 * How long the writer lets records gather before it writes a batch that is not full. A batch's statement costs about
 * the same for 1 record as for 50 (parse, plan, the driver's messages; with embedded PGlite WASM work), so writing each
 * record as it comes cost the hook path about half its throughput (`npm run bench`, issue 17). A second keeps it to one
 * statement per second and process below 100 requests per second; the wait is one timer, ended early when a batch is
 * full or `flush`/`close` asks for the queue (bench/profile.md, twelfth pass: the same cost as a quarter second's
 * polled wait within the bench's interval, with a quarter of the statements).
 */
const LINGER_MS = 1_000;
const BACKOFF_MIN_MS = 200;
const BACKOFF_MAX_MS = 5_000;
const DROP_LOG_EVERY_MS = 10_000;

// One statement per batch, one row per record: every record of the batch or none is written. `cards` and `drafts` are
// stored as the record has them (migrations.ts, version 3).
const INSERT_BATCH = `
  INSERT INTO adherence.hook_responses (id, recorded_at, service, hook, hook_instance, pathway_version,
    patient_pseudonym, user_pseudonym, cards, drafts, card_uuids)
  SELECT (r->>'id')::uuid, (r->>'recordedAt')::timestamptz, r->>'service', r->>'hook', r->>'hookInstance',
    r->>'pathwayVersion', r->>'patient', r->>'user', r->'cards', r->'drafts',
    ARRAY(SELECT c->>'uuid' FROM jsonb_array_elements(r->'cards') AS c)
  FROM jsonb_array_elements($1::jsonb) AS r`;

/** SQLSTATE classes that mean the data, not the connection, is at fault: retrying cannot help. */
const isDataError = (err: unknown): boolean =>
  typeof err === 'object' &&
  err !== null &&
  'code' in err &&
  typeof err.code === 'string' &&
  /^(22|23|42)/.test(err.code);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

export class CardRecorder {
  private readonly queue: ResponseRecord[] = [];
  private written = 0;
  private dropped = 0;
  private rejected = 0;
  private droppedSinceLog = 0;
  private lastDropLog = 0;
  private running: Promise<void> | undefined;
  private closed = false;
  private failing = false;
  /** Set by `flush`/`close`: write what is queued now, without lingering. */
  private urgent = false;
  /** Ends the writer's current wait for more records (a full batch, a flush), when it is waiting. */
  private wake: (() => void) | undefined;

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    private readonly capacity: number,
  ) {}

  /** Queues a record; false (and counted) when the queue is full. Never waits. */
  enqueue(record: ResponseRecord): boolean {
    if (this.closed || this.queue.length >= this.capacity) {
      this.dropped += 1;
      this.droppedSinceLog += 1;
      const now = Date.now();
      if (now - this.lastDropLog >= DROP_LOG_EVERY_MS) {
        this.log.warn(
          { dropped: this.droppedSinceLog, droppedTotal: this.dropped, capacity: this.capacity },
          'adherence: card records dropped (queue full or closed)',
        );
        this.lastDropLog = now;
        this.droppedSinceLog = 0;
      }
      return false;
    }
    this.queue.push(record);
    if (this.queue.length >= BATCH) this.wake?.();
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
    return true;
  }

  stats(): RecorderStats {
    return {
      queued: this.queue.length,
      written: this.written,
      dropped: this.dropped,
      rejected: this.rejected,
      failing: this.failing,
    };
  }

  /** Waits until every queued record is written, or `timeoutMs` passed; true when the queue is empty. */
  async flush(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    this.urgent = true;
    this.wake?.();
    while (this.queue.length > 0 && this.running !== undefined && Date.now() < deadline) {
      await Promise.race([this.running, sleep(Math.min(50, Math.max(1, deadline - Date.now())))]);
    }
    this.urgent = false;
    return this.queue.length === 0;
  }

  /** Stops taking records; writes what is queued (up to `timeoutMs`). */
  async close(timeoutMs = 10_000): Promise<boolean> {
    const emptied = await this.flush(timeoutMs);
    this.closed = true;
    if (!emptied) this.log.warn({ lost: this.queue.length }, 'adherence: card records not written at close');
    return emptied;
  }

  /** Waits up to LINGER_MS for more records, ending early when a batch is full or a flush asks for the queue. */
  private linger(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wake?.(), LINGER_MS).unref();
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }

  private async drain(): Promise<void> {
    let backoff = BACKOFF_MIN_MS;
    while (this.queue.length > 0 && !this.closed) {
      if (this.queue.length < BATCH && !this.urgent && !this.failing) await this.linger();
      const batch = this.queue.slice(0, BATCH);
      try {
        await this.db.query(INSERT_BATCH, [JSON.stringify(batch)]);
        this.queue.splice(0, batch.length);
        this.written += batch.length;
        if (this.failing)
          this.log.info(
            { queued: this.queue.length },
            'adherence: database reachable again; writing queued card records',
          );
        this.failing = false;
        backoff = BACKOFF_MIN_MS;
      } catch (err) {
        if (isDataError(err)) {
          this.queue.splice(0, batch.length);
          this.rejected += batch.length;
          this.log.error(
            { err: errorText(err), records: batch.length },
            'adherence: card records refused by the database',
          );
          continue;
        }
        if (!this.failing)
          this.log.warn(
            { err: errorText(err), queued: this.queue.length },
            'adherence: database unreachable; card records wait in the queue',
          );
        this.failing = true;
        await sleep(backoff);
        backoff = Math.min(BACKOFF_MAX_MS, backoff * 2);
      }
    }
  }
}

/** An error's message only: a driver error can carry the statement's parameters. */
export const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));
