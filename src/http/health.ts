import { Router } from 'express';
import type { Config } from '../config.js';

/** GET /health (liveness) and GET /ready (pathway engine loaded). */
export function healthRouter(config: Config, isReady: () => boolean): Router {
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
    const ready = isReady();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'starting' });
  });
  return router;
}
