import { Router, type Response } from 'express';
import { CdsError, unknownService } from '../errors.js';
import { findService } from '../hooks/registry.js';
import { loadPatientData, type PatientDataDeps } from '../fhir/patient-data.js';
import { validateCdsRequest } from './validate-request.js';
import { validateFeedback } from './feedback.js';
import type { Config } from '../config.js';
import type { CqlEngine } from '../cql/engine.js';
import { verifiedClientOf } from '../security/index.js';
import type { AdherenceStore, OrderCardNote } from '../adherence/index.js';
import { saveFeedback } from './adherence.js';

export interface HooksRouterDeps {
  readonly clock: () => Date;
  /** Limits of the data path (fetching the prefetch keys the EHR did not send). */
  readonly config: PatientDataDeps['config'] & Pick<Config, 'thresholds' | 'timeZone' | 'publicBaseUrl'>;
  /** The CQL engine, created once at start. */
  readonly engine: CqlEngine;
  /** Where shown cards and feedback are recorded (issue 17); nothing is recorded without it. */
  readonly adherence?: AdherenceStore | undefined;
}

/** POST /cds-services/{id} and /cds-services/{id}/feedback for the registered services. */
export function hooksRouter(deps: HooksRouterDeps): Router {
  const router = Router();
  router.post('/cds-services/:id', async (req, res) => {
    const service = findService(req.params.id);
    if (!service) throw new CdsError(unknownService(req.params.id));
    const request = validateCdsRequest(req.body, service.definition.hook);
    const data = await loadPatientData(request, {
      config: deps.config,
      templates: service.definition.prefetch,
      client: verifiedClientOf(res),
      shapeGuard: deps.engine.shapeGuard,
    });
    const orderCards: OrderCardNote[] = [];
    const response = await service.handle(request, data, {
      now: deps.clock(),
      engine: deps.engine,
      thresholds: deps.config.thresholds,
      timeZone: deps.config.timeZone,
      // Card source.url points at this service's GET /pathway page.
      baseUrl: deps.config.publicBaseUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`,
      onOrderCards: (notes) => orderCards.push(...notes),
    });
    sendJson(res, response);
    deps.adherence?.recordResponse(service.definition.id, request, response, orderCards);
  });
  router.post('/cds-services/:id/feedback', async (req, res) => {
    const service = findService(req.params.id);
    if (!service) throw new CdsError(unknownService(req.params.id));
    validateFeedback(req.body);
    if (deps.adherence) await saveFeedback(deps.adherence, service.definition.id, req.body, verifiedClientOf(res), res);
    res.status(200).json({});
  });
  return router;
}

/**
 * A hook's answer as `res.json` sends it (same body, `application/json; charset=utf-8`, Content-Length), without the
 * ETag Express computes for every `res.send`: a SHA-1 of each answer (~1 % of a cold request, bench/profile.md
 * "Eleventh pass") that no client uses, since a POST answer is never revalidated.
 */
function sendJson(res: Response, body: unknown): void {
  const text = JSON.stringify(body);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
