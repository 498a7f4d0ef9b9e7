/**
 * Admission control for the hook endpoints (issue 15 item 9): at most `maxConcurrentRequests` run at once, the rest
 * wait in a FIFO queue, and a request whose expected wait would pass `queueDeadlineMs` is refused at once with 503,
 * `Retry-After` and an OperationOutcome. An EHR gives up on a CDS call after a few seconds; answering "retry later"
 * quickly keeps the requests that are accepted fast instead of making every one slow.
 *
 * Two waits are added up. (1) Requests waiting for a slot: (position in queue / concurrency) x the recent mean time of
 * one admitted request (an EWMA). (2) Requests not yet read: an evaluation runs mostly without yielding, so when many
 * arrive at once Node reads and serves them one after another within one turn of the event loop while the rest wait
 * unseen in socket buffers. How long the current turn has been running (a timer that is overdue) is how long the
 * request being read now has waited; past the deadline, the rest of the burst is refused cheaply instead of evaluated.
 */
import type { RequestHandler, Response } from 'express';
import { outcome } from '../errors.js';
import type { CapacityConfig } from './config.js';

export interface AdmissionStats {
  readonly running: number;
  readonly queued: number;
  readonly shed: number;
  /** Recent mean time of one admitted request, ms. */
  readonly meanServiceMs: number;
}

export interface Admission {
  readonly middleware: RequestHandler;
  stats(): AdmissionStats;
  /** Stops the event-loop timer. */
  close(): void;
}

interface Waiter {
  readonly admit: () => void;
}

/** Weight of the newest sample in the mean service time. */
const EWMA_WEIGHT = 0.2;
/** Period of the timer whose lateness measures how long the event loop has been busy. */
const TICK_MS = 20;

export function createAdmission(
  config: Pick<CapacityConfig, 'maxConcurrentRequests' | 'queueDeadlineMs' | 'maxQueuedRequests'>,
  onShed: () => void = () => {},
): Admission {
  const queue: Waiter[] = [];
  let running = 0;
  let shed = 0;
  let meanServiceMs = 0;

  let lastTick = performance.now();
  const ticker = setInterval(() => (lastTick = performance.now()), TICK_MS);
  ticker.unref();
  /** How long the event loop has been busy without reaching its timers: the wait of the request being read now. */
  const busyMs = (): number => Math.max(0, performance.now() - lastTick - TICK_MS);
  const expectedWaitMs = (position: number): number => (position / config.maxConcurrentRequests) * meanServiceMs;

  const refuse = (res: Response, waitMs: number): void => {
    shed++;
    onShed();
    const retryAfterS = Math.max(1, Math.ceil(waitMs / 1000));
    res
      .status(503)
      .set('Retry-After', String(retryAfterS))
      .type('application/fhir+json')
      .json(
        outcome(
          'overloaded',
          `The service is at capacity (${running} requests running, ${queue.length} waiting); retry after ${retryAfterS} s`,
        ),
      );
  };

  const admitNext = (): void => {
    while (running < config.maxConcurrentRequests && queue.length > 0) queue.shift()?.admit();
  };

  const middleware: RequestHandler = (_req, res, next) => {
    const arrived = performance.now();
    const start = (): void => {
      running++;
      const t0 = performance.now();
      // How long this request waited for a slot (seen by the client in Server-Timing; the tests read it).
      res.setHeader('Server-Timing', `queue;dur=${Math.round(t0 - arrived)}`);
      // 'close' follows 'finish' and also fires when the client goes away: the slot is freed either way, once.
      res.once('close', () => {
        running--;
        const ms = performance.now() - t0;
        meanServiceMs = meanServiceMs === 0 ? ms : meanServiceMs + EWMA_WEIGHT * (ms - meanServiceMs);
        admitNext();
      });
      next();
    };
    const unseenWaitMs = busyMs();
    if (unseenWaitMs > config.queueDeadlineMs) {
      refuse(res, unseenWaitMs);
      return;
    }
    if (running < config.maxConcurrentRequests && queue.length === 0) {
      start();
      return;
    }
    const waitMs = unseenWaitMs + expectedWaitMs(queue.length + 1);
    if (queue.length >= config.maxQueuedRequests || waitMs > config.queueDeadlineMs) {
      refuse(res, waitMs);
      return;
    }
    const leave = (): void => {
      const i = queue.indexOf(waiter);
      if (i >= 0) queue.splice(i, 1);
    };
    // The estimate can be wrong (a slow chart ahead): nobody waits past the deadline.
    const timer = setTimeout(() => {
      leave();
      res.off('close', gone);
      refuse(res, config.queueDeadlineMs);
    }, config.queueDeadlineMs);
    const gone = (): void => {
      clearTimeout(timer);
      leave();
    };
    const waiter: Waiter = {
      admit: () => {
        clearTimeout(timer);
        res.off('close', gone);
        start();
      },
    };
    res.once('close', gone);
    queue.push(waiter);
  };

  return {
    middleware,
    stats: () => ({ running, queued: queue.length, shed, meanServiceMs }),
    close: () => clearInterval(ticker),
  };
}
