import { Router } from 'express';
import { CdsError, unknownService } from '../errors.js';
import { findService } from '../hooks/registry.js';
import { loadPatientData } from '../fhir/patient-data.js';
import { validateCdsRequest } from './validate-request.js';
import { validateFeedback } from './feedback.js';

export interface HooksRouterDeps {
  readonly clock: () => Date;
}

/** POST /cds-services/{id} and /cds-services/{id}/feedback for the registered services. */
export function hooksRouter(deps: HooksRouterDeps): Router {
  const router = Router();
  router.post('/cds-services/:id', async (req, res) => {
    const service = findService(req.params.id);
    if (!service) throw new CdsError(unknownService(req.params.id));
    const request = validateCdsRequest(req.body, service.definition.hook);
    const data = await loadPatientData(request);
    const response = await service.handle(request, data, { now: deps.clock() });
    res.json(response);
  });
  router.post('/cds-services/:id/feedback', (req, res) => {
    const service = findService(req.params.id);
    if (!service) throw new CdsError(unknownService(req.params.id));
    validateFeedback(req.body);
    res.status(200).json({});
  });
  return router;
}
