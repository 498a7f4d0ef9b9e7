/**
 * Prometheus metrics (prom-client) at GET /metrics: requests and latency per CDS service and status (503s at capacity
 * included), CQL evaluation time per library, FHIR call time and failures per FHIR server host, result-cache hits and
 * misses, the adherence queue's depth and drops, and Node's process metrics (event-loop lag among them). Labels are
 * closed sets (registered service ids, status codes, library names, failure kinds) or a FHIR server's host[:port]:
 * nothing else from a request, never a URL path, query or token. Not public in production: there /metrics needs
 * `Authorization: Bearer <METRICS_TOKEN>`, and is not served at all without METRICS_TOKEN. With WORKERS > 1 the worker
 * that gets the scrape answers for every worker (src/observability/cluster-metrics.ts).
 */
import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler, Router } from 'express';
import { Router as createRouter } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Mode } from '../shared/env-reader.js';
import type { FetchObserver } from './request-context.js';
import { clusterMetricsText, shareWithPrimary } from './cluster-metrics.js';

/** Counters the service keeps elsewhere, read at each scrape. */
export interface MetricsSources {
  /** The engine's result cache (src/cql/result-cache.ts `stats`). */
  readonly cacheStats?: () => { readonly hits: number; readonly misses: number };
  readonly adherence?: () => { readonly queued: number; readonly dropped: number };
}

export interface Metrics {
  /** Counts and times every request (mount first). */
  readonly middleware: RequestHandler;
  /** GET /metrics. */
  readonly router: Router;
  /** Where FHIR calls are counted (carried by each request's context). */
  readonly fetchObserver: FetchObserver;
  /** One CQL evaluation of `library` took `seconds` (cache hits are not evaluations). */
  readonly evaluated: (library: string, seconds: number) => void;
  /** Where the counters kept elsewhere are read from (set once the engine and the store exist). */
  watch(sources: MetricsSources): void;
}

/** Latency buckets (seconds) of an HTTP exchange: a hook call, or one FHIR call. */
const CALL_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The metrics of one app. `serviceIds` are the registered CDS services (src/hooks/registry.ts): the only service
 * labels besides fixed words.
 */
export function createMetrics(mode: Mode, token: string | undefined, serviceIds: readonly string[]): Metrics {
  const services: ReadonlySet<string> = new Set(serviceIds);
  const register = new Registry();
  collectDefaultMetrics({ register });
  const requests = new Counter({
    name: 'cds_http_requests_total',
    help: 'HTTP requests by CDS service and status',
    labelNames: ['service', 'status'],
    registers: [register],
  });
  const latency = new Histogram({
    name: 'cds_http_request_duration_seconds',
    help: 'HTTP request latency by CDS service and status',
    labelNames: ['service', 'status'],
    buckets: CALL_BUCKETS,
    registers: [register],
  });
  const evaluation = new Histogram({
    name: 'cds_cql_evaluation_seconds',
    help: 'CQL evaluation time by library (result-cache hits excluded)',
    labelNames: ['library'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [register],
  });
  const fetchTime = new Histogram({
    name: 'cds_fhir_fetch_duration_seconds',
    help: 'Time of each FHIR call by FHIR server host (host[:port] only)',
    labelNames: ['host'],
    buckets: CALL_BUCKETS,
    registers: [register],
  });
  const fetchFailures = new Counter({
    name: 'cds_fhir_fetch_failures_total',
    help: 'Failed FHIR calls by FHIR server host (host[:port] only) and reason',
    labelNames: ['host', 'reason'],
    registers: [register],
  });
  let sources: MetricsSources = {};
  new Counter({
    name: 'cds_result_cache_lookups_total',
    help: 'CQL result-cache lookups by result (hit ratio = hit / (hit + miss))',
    labelNames: ['result'],
    registers: [register],
    collect() {
      const stats = sources.cacheStats?.();
      if (stats === undefined) return;
      // The cache counts for itself; the counter shows its totals (reset, then set: counts never go down).
      this.reset();
      this.inc({ result: 'hit' }, stats.hits);
      this.inc({ result: 'miss' }, stats.misses);
    },
  });
  new Gauge({
    name: 'cds_adherence_queue_depth',
    help: 'Adherence card records waiting to be written',
    registers: [register],
    collect() {
      const stats = sources.adherence?.();
      if (stats !== undefined) this.set(stats.queued);
    },
  });
  new Counter({
    name: 'cds_adherence_records_dropped_total',
    help: 'Adherence card records dropped because the queue was full',
    registers: [register],
    collect() {
      const stats = sources.adherence?.();
      if (stats === undefined) return;
      this.reset();
      this.inc(stats.dropped);
    },
  });
  shareWithPrimary(register);

  const middleware: RequestHandler = (req, res, next) => {
    const t0 = performance.now();
    res.once('finish', () => {
      const labels = { service: serviceLabel(req.path, services), status: String(res.statusCode) };
      requests.inc(labels);
      latency.observe(labels, (performance.now() - t0) / 1000);
    });
    next();
  };

  const router = createRouter();
  router.get('/metrics', async (req, res, next) => {
    if (mode === 'production') {
      if (token === undefined) {
        next();
        return;
      }
      const sent = /^Bearer (\S+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
      if (!sameSecret(sent, token)) {
        res.status(401).setHeader('WWW-Authenticate', 'Bearer').end();
        return;
      }
    }
    let cluster: string | undefined;
    try {
      cluster = await clusterMetricsText();
    } catch (err) {
      // A partial view (one worker's counters) would look like counters going down: no answer is better.
      res
        .status(503)
        .type('text/plain')
        .send(`metrics of every worker unavailable: ${err instanceof Error ? err.message : String(err)}\n`);
      return;
    }
    res.type(register.contentType).send(cluster ?? (await register.metrics()));
  });
  return {
    middleware,
    router,
    fetchObserver: {
      fhirFetch(host, seconds, failure) {
        fetchTime.observe({ host }, seconds);
        if (failure !== undefined) fetchFailures.inc({ host, reason: failure });
      },
    },
    evaluated: (library, seconds) => evaluation.observe({ library }, seconds),
    watch(next) {
      sources = { ...sources, ...next };
    },
  };
}

/** The registered service id of a path, or a fixed word: never free text from the request. */
function serviceLabel(path: string, services: ReadonlySet<string>): string {
  const m = /^\/cds-services\/([^/]+)(\/feedback)?$/.exec(path);
  if (m) return services.has(m[1] ?? '') ? `${m[1]}${m[2] ?? ''}` : 'unknown-service';
  if (path === '/cds-services') return 'discovery';
  return 'other';
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
