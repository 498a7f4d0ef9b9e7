/**
 * Prometheus metrics (prom-client) at GET /metrics: requests and latency per CDS service and status (503s at capacity
 * included), and Node's process metrics (event-loop lag among them). Labels are closed sets (registered service ids, status
 * codes): nothing from request content. Not public in production: there /metrics needs `Authorization: Bearer
 * <METRICS_TOKEN>`, and is not served at all without METRICS_TOKEN. With WORKERS > 1 each worker answers for itself.
 */
import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler, Router } from 'express';
import { Router as createRouter } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { findService } from '../hooks/registry.js';
import type { Mode } from '../config.js';

export interface Metrics {
  /** Counts and times every request (mount first). */
  readonly middleware: RequestHandler;
  /** GET /metrics. */
  readonly router: Router;
}

export function createMetrics(mode: Mode, token: string | undefined): Metrics {
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
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [register],
  });

  const middleware: RequestHandler = (req, res, next) => {
    const t0 = performance.now();
    res.once('finish', () => {
      const labels = { service: serviceLabel(req.path), status: String(res.statusCode) };
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
    res.type(register.contentType).send(await register.metrics());
  });
  return { middleware, router };
}

/** The registered service id of a path, or a fixed word: never free text from the request. */
function serviceLabel(path: string): string {
  const m = /^\/cds-services\/([^/]+)(\/feedback)?$/.exec(path);
  if (m) return findService(m[1] ?? '') ? `${m[1]}${m[2] ?? ''}` : 'unknown-service';
  if (path === '/cds-services') return 'discovery';
  return 'other';
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
