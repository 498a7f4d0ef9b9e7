import type { RequestHandler } from 'express';
import { CdsError, unauthorized } from '../errors.js';
import type { Logger } from '../log.js';
import type { SecurityConfig } from './config.js';
import { createJwtVerifier, JwtRejected } from './jwt-verify.js';
import type { ReplayStore } from './replay-cache.js';

/**
 * Express middleware for the CDS Hooks endpoints (discovery, services, feedback): verifies the client's
 * `Authorization: Bearer <JWT>` and leaves the verified client on `res.locals.cdsClient`; any failure is a 401
 * naming the failed check. With `auth: 'disabled'` it lets everything through and says so in the log.
 */
export function requireCdsClient(
  config: SecurityConfig,
  log: Logger,
  clock?: () => Date,
  replay?: ReplayStore,
): RequestHandler {
  if (config.auth === 'disabled') {
    log.warn(
      'AUTH DISABLED: CDS client JWTs are NOT verified; fhirServer is limited to loopback. Never expose this service.',
    );
    return (_req, _res, next) => next();
  }
  const verifier = createJwtVerifier(config, clock, replay);
  const base = (config.publicBaseUrl ?? '').replace(/\/+$/, '');
  return async (req, res, next) => {
    try {
      const token = bearerToken(req.get('authorization'));
      const path = req.originalUrl.split('?')[0] ?? '';
      res.locals.cdsClient = await verifier.verify(token, `${base}${path}`);
    } catch (err) {
      if (!(err instanceof JwtRejected)) throw err;
      // The check name and the route only: never the token, and the path holds no patient data (service ids).
      const route = `${req.baseUrl}${req.path}`.slice(0, 200);
      log.info({ check: err.check, method: req.method, path: route }, 'CDS client JWT rejected');
      res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw new CdsError(unauthorized(err.message), { cause: err });
    }
    next();
  };
}

function bearerToken(header: string | undefined): string {
  if (header === undefined || header === '') {
    throw new JwtRejected('authorization', 'send Authorization: Bearer <JWT> signed by an allow-listed CDS client');
  }
  const match = /^Bearer +(\S+)\s*$/i.exec(header);
  if (!match?.[1]) throw new JwtRejected('authorization', 'the Authorization header must be "Bearer <JWT>"');
  return match[1];
}
