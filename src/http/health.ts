import { Router } from 'express';
import type { Config } from '../config.js';

/** What GET /ready answers: whether this replica should get traffic, and why not (or what works only in part). */
export interface Readiness {
  readonly status: 'ready' | 'starting' | 'draining' | 'unavailable';
  /** Why not ready, or what is degraded while ready; plain words, never a URL or a secret. */
  readonly reasons: readonly string[];
}

/**
 * GET /health (liveness: the process answers; nothing it depends on is checked, so an orchestrator never restarts a
 * replica for a Redis or database outage) and GET /ready (readiness: 200 only when `readiness()` says 'ready').
 */
export function healthRouter(config: Config, readiness: () => Readiness): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({
      status: 'ok',
      mode: config.mode,
      auth: config.security.auth,
      ...(config.security.auth === 'disabled' ? { warning: 'auth disabled: CDS Hooks JWTs are not verified' } : {}),
    });
  });
  router.get('/ready', (_req, res) => {
    const r = readiness();
    res
      .status(r.status === 'ready' ? 200 : 503)
      .json({ status: r.status, ...(r.reasons.length > 0 ? { reasons: r.reasons } : {}) });
  });
  return router;
}
