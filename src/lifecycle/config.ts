/**
 * How the service holds up under load and stops: HTTP server timeouts, admission (load shedding), shutdown timing and
 * the shared state store. Read with the rest of the configuration (src/config.ts passes its reader, so every problem
 * lands in one list).
 */
import { MIN_BEARER_TOKEN, type EnvReader, type Mode } from '../shared/env-reader.js';

export interface CapacityConfig {
  /** Time a client has to send the request headers (slow clients are cut off with 408). */
  readonly headersTimeoutMs: number;
  /** Time a client has to send the whole request (headers and body). */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this; longer than the load balancer's idle timeout. */
  readonly keepAliveTimeoutMs: number;
  /** Hook requests processed at once per process; more wait in a queue. */
  readonly maxConcurrentRequests: number;
  /** A request that would wait longer than this in the queue is refused at once with 503 and Retry-After. */
  readonly queueDeadlineMs: number;
  /** Requests waiting at most (a bound on memory whatever the estimate says). */
  readonly maxQueuedRequests: number;
  /** After SIGTERM: time spent answering not-ready (so load balancers move away) before the listener closes. */
  readonly shutdownDelayMs: number;
  /** After the listener closes: time in-flight requests get to finish before their connections are cut. */
  readonly shutdownGraceMs: number;
  /**
   * Wall time spent at start, before listening, running the hook path on the demo patients so that the first requests
   * meet optimized code (src/hooks/warm-up.ts); 0 skips it.
   */
  readonly warmUpMs: number;
  /** Bearer token of GET /metrics in production (src/observability/metrics.ts); without it /metrics is not served there. */
  readonly metricsToken: string | undefined;
}

export function loadCapacityConfig(r: EnvReader, mode: Mode): CapacityConfig {
  const headersTimeoutMs = r.int('HEADERS_TIMEOUT_MS', 10_000, 100, 120_000);
  const requestTimeoutMs = r.int('REQUEST_TIMEOUT_MS', 30_000, 100, 600_000);
  if (requestTimeoutMs < headersTimeoutMs) r.problems.push('REQUEST_TIMEOUT_MS must be at least HEADERS_TIMEOUT_MS');
  const metricsToken = r.optionalString('METRICS_TOKEN');
  if (metricsToken !== undefined && metricsToken.length < MIN_BEARER_TOKEN) {
    r.problems.push(`METRICS_TOKEN must be at least ${MIN_BEARER_TOKEN} characters`);
  }
  return Object.freeze({
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: r.int('KEEP_ALIVE_TIMEOUT_MS', 65_000, 100, 600_000),
    maxConcurrentRequests: r.int('MAX_CONCURRENT_REQUESTS', 8, 1, 1_000),
    queueDeadlineMs: r.int('QUEUE_DEADLINE_MS', 2_000, 10, 60_000),
    maxQueuedRequests: r.int('MAX_QUEUED_REQUESTS', 500, 0, 100_000),
    // In development nothing routes around the process: stop at once.
    shutdownDelayMs: r.int('SHUTDOWN_DELAY_MS', mode === 'production' ? 5_000 : 0, 0, 120_000),
    shutdownGraceMs: r.int('SHUTDOWN_GRACE_MS', 20_000, 0, 600_000),
    // Enough for ~10 rounds of the demo patients on one core (about the ~700 evaluations V8 needs, bench/profile.md
    // "Tenth pass"); a start is that much longer.
    warmUpMs: r.int('WARM_UP_MS', 3_000, 0, 60_000),
    metricsToken,
  });
}
