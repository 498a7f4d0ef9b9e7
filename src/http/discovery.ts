import { Router } from 'express';
import { HOOK_SERVICES } from '../hooks/registry.js';

/** GET /cds-services: https://cds-hooks.hl7.org/2.0/#discovery */
export function discoveryRouter(): Router {
  const router = Router();
  const body = { services: HOOK_SERVICES.map((s) => s.definition) };
  router.get('/cds-services', (_req, res) => {
    res.json(body);
  });
  return router;
}
