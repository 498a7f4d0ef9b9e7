import express, { type Express, type Router } from 'express';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import { discoveryRouter } from './http/discovery.js';
import { hooksRouter } from './http/hooks-router.js';
import { healthRouter, type Readiness } from './http/health.js';
import { errorHandler, notFoundHandler } from './http/error-handler.js';
import { requireCdsClient } from './security/require-cds-client.js';
import { createCqlEngine, type CqlEngine } from './cql/engine.js';
import { pageRouter, pathwayDocRouter } from './page/index.js';
import { adherenceRouter } from './http/adherence.js';
import type { AdherenceStore } from './adherence/index.js';
import type { Admission } from './lifecycle/admission.js';
import { createMetrics } from './observability/metrics.js';
import { HOOK_SERVICES } from './hooks/registry.js';
import { requestContext, type FetchObserver } from './observability/request-context.js';
import { MemoryReplayStore, type ReplayStore } from './security/replay-cache.js';
import type { SharedState } from './shared-state/index.js';

export interface AppDeps {
  readonly config: Config;
  readonly log: Logger;
  /** The service clock ("now" in PATHWAY.md); tests pass a fixed one. */
  readonly clock?: () => Date;
  readonly isReady?: () => boolean;
  /** The embedded FHIR server's router, mounted at `/fhir` (development mode with EMBEDDED_FHIR). */
  readonly fhirRouter?: Router;
  /** The CQL engine (default: one created from cql/*.elm.json when the app is built). */
  readonly engine?: CqlEngine;
  /** The adherence store (openAdherenceStore); without it nothing is recorded and feedback is only validated. */
  readonly adherence?: AdherenceStore;
  /** Load shedding of the hook endpoints (src/lifecycle/admission.ts); none in tests that do not ask for it. */
  readonly admission?: Admission;
  /** True once a graceful stop has begun (src/lifecycle/serve.ts): /ready says so and connections are not kept. */
  readonly draining?: () => boolean;
  /** Where JWT jtis are remembered (default: the shared state's, else in this process). */
  readonly replayStore?: ReplayStore;
  /** Redis-backed replay memory and result cache shared by replicas (REDIS_URL); without it both stay in process. */
  readonly sharedState?: SharedState;
}

/** Builds the Express app (no listen). */
export function createApp(deps: AppDeps): Express {
  const { config, log } = deps;
  const metrics = createMetrics(
    config.mode,
    config.capacity.metricsToken,
    HOOK_SERVICES.map((s) => s.definition.id),
  );
  // The engine loads ELM and the FHIR model info once, here, not per request.
  const engine =
    deps.engine ??
    createCqlEngine({
      timeZone: config.timeZone,
      engine: config.engine,
      resultCache: deps.sharedState?.resultCache,
      onEvaluated: metrics.evaluated,
    });
  const adherence = deps.adherence;
  metrics.watch({ cacheStats: engine.cacheStats, adherence: adherence && (() => adherence.stats()) });
  // A FHIR call that failed is the FHIR server's (or the network's) failure, neither the EHR's nor ours: the cards say
  // the type could not be read (PATHWAY.md §2), and the log names the server and why, at warn. A call the address
  // policy refused ('refused') is the caller's, logged as a 403 by src/http/error-handler.ts.
  const fetchObserver: FetchObserver = {
    fhirFetch(host, seconds, failure) {
      metrics.fetchObserver.fhirFetch(host, seconds, failure);
      if (failure !== undefined && failure !== 'refused')
        log.warn({ kind: 'upstream-failure', host, failure, seconds }, 'FHIR call failed');
    },
  };
  const app = express();
  app.disable('x-powered-by');
  // First: every log line written while serving a request carries its id; its FHIR calls carry its trace and are counted.
  app.use(requestContext(fetchObserver));
  app.set('query parser', 'simple');
  // CDS clients (the public sandbox among them) call from a browser origin.
  app.use((req, res, next) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, X-Request-Id, Traceparent, Tracestate');
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    // A browser may read why a call was refused (401) and when to retry (503).
    res.setHeader('Access-Control-Expose-Headers', 'WWW-Authenticate, Retry-After, X-Request-Id');
    if (req.method === 'OPTIONS') {
      // Without it the browser sends a preflight before every call (a JSON POST with Authorization is never "simple");
      // 7200 s is the longest Chromium keeps one.
      res.setHeader('Access-Control-Max-Age', '7200');
      // Chromium's Private Network Access: a page served from the internet (the public sandbox) calling this service on
      // the user's own machine or network asks first.
      if (req.get('access-control-request-private-network') === 'true')
        res.setHeader('Access-Control-Allow-Private-Network', 'true');
      res.status(204).end();
      return;
    }
    next();
  });
  // A discovery URL entered with a trailing slash makes clients call `/cds-services//{id}`: one slash is meant. The
  // path is rewritten, not redirected (a redirected POST loses its body in some clients); the JWT audience is still
  // checked against the URL as called (req.originalUrl).
  app.use('/cds-services', (req, _res, next) => {
    const [path = '', query] = req.url.split(/\?(.*)/s, 2);
    const tidy = path.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1');
    if (tidy !== path) req.url = query !== undefined ? `${tidy}?${query}` : tidy;
    next();
  });
  app.use(metrics.middleware);
  app.use(metrics.router);
  const draining = deps.draining;
  if (draining) {
    app.use((_req, res, next) => {
      if (draining()) res.setHeader('Connection', 'close');
      next();
    });
  }
  // Shed load before any work is spent on a request (JWT signature, body parsing).
  if (deps.admission) app.post('/cds-services/:id', deps.admission.middleware);
  // One replay memory for every route that verifies JWTs: a token used on /fhir is refused on /cds-services too.
  const replayStore =
    deps.replayStore ?? deps.sharedState?.replayStore ?? new MemoryReplayStore(config.security.replayCacheSize);
  // Every CDS Hooks endpoint (discovery, services, feedback) needs a verified client JWT; checked before the body is parsed.
  app.use('/cds-services', requireCdsClient(config.security, log, deps.clock, replayStore));
  app.use(express.json({ limit: config.bodyLimitBytes, type: ['application/json', 'application/*+json'] }));
  const isReady = deps.isReady ?? (() => engine.ready);
  app.use(
    healthRouter(config, () =>
      withAdherence(
        readiness(isReady, draining, deps.sharedState, config.security.auth === 'required'),
        deps.adherence,
      ),
    ),
  );
  app.use(discoveryRouter());
  app.use(pathwayDocRouter(config.thresholds));
  app.use(pageRouter({ mode: config.mode, pageEnabled: config.pageEnabled }));
  const clock = deps.clock ?? (() => new Date());
  app.use(hooksRouter({ clock, config, engine, adherence: deps.adherence }));
  app.use(
    adherenceRouter({ store: deps.adherence, mode: config.mode, adminToken: config.adherence.adminToken, clock }),
  );
  // The embedded /fhir follows the service's auth mode: with AUTH=required it needs the same verified client JWT.
  if (deps.fhirRouter && config.security.auth === 'required') {
    app.use('/fhir', requireCdsClient(config.security, log, deps.clock, replayStore), deps.fhirRouter);
  } else if (deps.fhirRouter) app.use('/fhir', deps.fhirRouter);
  app.use(notFoundHandler);
  app.use(errorHandler(log));
  return app;
}

/**
 * An adherence database that cannot be written is listed but never makes the replica unready: hooks answer without
 * it (their card records wait in the queue) and only feedback is refused (503 with Retry-After, so the EHR retries).
 */
function withAdherence(r: Readiness, store: AdherenceStore | undefined): Readiness {
  const stats = store?.stats();
  if (stats === undefined || !stats.failing) return r;
  return {
    ...r,
    reasons: [
      ...r.reasons,
      `adherence database unreachable: ${stats.queued} card records wait to be written; feedback answered 503`,
    ],
  };
}

/**
 * What GET /ready says. Not ready while stopping, while loading, and while Redis is unreachable with JWTs required
 * (every hook call would be refused: the replay check fails closed). Without JWTs an unreachable Redis only turns the
 * result cache off: still ready, and the reason is listed.
 */
function readiness(
  isReady: () => boolean,
  draining: (() => boolean) | undefined,
  shared: SharedState | undefined,
  replayCheckNeeded: boolean,
): Readiness {
  if (draining?.() === true)
    return { status: 'draining', reasons: ['stopping (SIGTERM): finishing the requests in flight'] };
  if (!isReady()) return { status: 'starting', reasons: ['loading the pathway engine'] };
  const state = shared?.state();
  if (state === undefined || state.ok) return { status: 'ready', reasons: [] };
  const why = state.reason ?? 'redis unreachable';
  return replayCheckNeeded
    ? { status: 'unavailable', reasons: [`${why}: the JWT replay check cannot run, so hook calls are refused (503)`] }
    : { status: 'ready', reasons: [`${why}: result cache off`] };
}
