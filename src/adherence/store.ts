/**
 * The adherence store: opens the database (PostgreSQL with DATABASE_URL, else embedded PGlite), migrates it, and
 * offers what the routes need. Card records go through the bounded queue; feedback is written before it is answered.
 */
import cluster from 'node:cluster';
import type { Logger } from '../log.js';
import type { CdsRequest, CdsResponse } from '../shared/cds-hooks.js';
import type { AdherenceConfig } from './config.js';
import { openPglite, openPostgres, type Database } from './db.js';
import { storeFeedback, type FeedbackEntryInput, type FeedbackResult } from './feedback-store.js';
import { migrate } from './migrations.js';
import { pseudonymizer, type Pseudonymize } from './pseudonym.js';
import { buildResponseRecord, type OrderCardNote } from './records.js';
import { CardRecorder, errorText, type RecorderStats } from './recorder.js';
import { buildReport, type AdherenceReport, type ReportFilter } from './report.js';
import { PURGE_INTERVAL_MS, purgeOlderThan, type PurgeResult } from './retention.js';

export interface AdherenceStore {
  readonly kind: Database['kind'];
  /** Queues the record of one hook response; never throws, never waits. */
  recordResponse(
    service: string,
    request: CdsRequest,
    response: CdsResponse,
    orderCards: readonly OrderCardNote[],
  ): void;
  /** Stores one feedback POST; rejects when the database is unreachable. */
  recordFeedback(
    service: string,
    entries: readonly FeedbackEntryInput[],
    user: { readonly issuer?: string; readonly subject?: string },
  ): Promise<FeedbackResult>;
  report(filter: ReportFilter): Promise<AdherenceReport>;
  purge(): Promise<PurgeResult>;
  stats(): RecorderStats;
  /** Waits until queued card records are written (or `timeoutMs`); true when none is left. */
  flush(timeoutMs?: number): Promise<boolean>;
  /** Flushes, stops the purge timer and closes the database. */
  close(timeoutMs?: number): Promise<void>;
}

export interface StoreOptions {
  readonly clock?: () => Date;
  /** An open database (tests); else opened from the config. */
  readonly db?: Database;
}

/** Opens and migrates the store; throws when the database cannot be reached or migrated. */
export async function openAdherenceStore(
  config: AdherenceConfig,
  log: Logger,
  opts: StoreOptions = {},
): Promise<AdherenceStore> {
  const clock = opts.clock ?? (() => new Date());
  if (config.pseudonymKeyRequired && !config.pseudonymKeyFromEnv) {
    // Checked here rather than with the rest of the configuration: only a process that opens the store needs the key.
    throw new Error(
      'PSEUDONYM_KEY is required in production (the secret of the patient and user pseudonyms of the adherence store)',
    );
  }
  if (opts.db === undefined && config.databaseUrl === undefined && config.dataDir !== undefined && cluster.isWorker) {
    // PGlite is single-process: two workers opening one folder would corrupt it.
    throw new Error('DATA_DIR (embedded database on disk) serves one process: with WORKERS > 1 set DATABASE_URL');
  }
  const db =
    opts.db ??
    (config.databaseUrl !== undefined
      ? openPostgres(config.databaseUrl, {
          onIdleError: (err) => log.warn({ err: errorText(err) }, 'adherence: idle database connection lost'),
        })
      : await openPglite(config.dataDir, {
          onRestart: async (restarted) => {
            await migrate(restarted);
          },
          onEvent: (event, detail) =>
            event === 'restarted'
              ? log.warn({ detail }, 'adherence: embedded database started again')
              : log.error(
                  { detail },
                  `adherence: embedded database ${event === 'stopped' ? 'stopped' : 'not started again'}`,
                ),
        }));
  if (opts.db === undefined && config.databaseUrl === undefined && cluster.isWorker) {
    // Each worker's in-memory PGlite is its own: the adherence report read through one worker shows only its share.
    log.warn(
      "adherence: WORKERS > 1 without DATABASE_URL: each worker keeps its own in-memory store, so a report shows one worker's share; set DATABASE_URL",
    );
  }
  const migrated = await migrate(db);
  log.info(
    { database: db.kind, onDisk: db.kind === 'pglite' ? config.dataDir !== undefined : undefined, ...migrated },
    'adherence store ready',
  );
  if (!config.pseudonymKeyFromEnv) {
    log.warn(
      'adherence: PSEUDONYM_KEY not set: patient and user pseudonyms use a random key of this process (development only); repeat visits are not linked across restarts',
    );
  }
  const pseudonymize: Pseudonymize = pseudonymizer(config.pseudonymKey);
  const recorder = new CardRecorder(db, log, config.queueSize);

  const purge = async (): Promise<PurgeResult> => {
    const result = await purgeOlderThan(db, config.retentionDays, clock());
    if (result.responses > 0 || result.feedback > 0)
      log.info({ ...result, retentionDays: config.retentionDays }, 'adherence: old records purged');
    return result;
  };
  const purgeQuietly = (): void => {
    purge().catch((err: unknown) =>
      log.warn({ err: errorText(err) }, 'adherence: purge failed; retried at the next interval'),
    );
  };
  purgeQuietly();
  const timer = setInterval(purgeQuietly, PURGE_INTERVAL_MS);
  timer.unref();

  return {
    kind: db.kind,
    recordResponse(service, request, response, orderCards) {
      try {
        recorder.enqueue(buildResponseRecord(service, request, response, orderCards, pseudonymize, clock()));
      } catch (err) {
        // The record is a side effect of the response: never its failure.
        log.error({ err: errorText(err) }, 'adherence: card record not built');
      }
    },
    recordFeedback: (service, entries, user) =>
      storeFeedback(db, service, entries, pseudonymize(user.issuer, user.subject), clock()),
    report: (filter) => buildReport(db, filter),
    purge,
    stats: () => recorder.stats(),
    flush: (timeoutMs) => recorder.flush(timeoutMs),
    async close(timeoutMs) {
      clearInterval(timer);
      await recorder.close(timeoutMs);
      await db.close();
    },
  };
}
