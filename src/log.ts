import { pino, type Logger } from 'pino';
import { currentRequest } from './observability/request-context.js';

/**
 * Structured JSON logging. Paths that can hold tokens, JWTs or patient identifiers are redacted, so a log line
 * never carries them whatever a caller passes in. A line written while a request is served carries its `requestId`
 * (src/observability/request-context.ts), whichever module writes it.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  'token',
  'accessToken',
  'access_token',
  'fhirAuthorization',
  '*.fhirAuthorization',
  '*.access_token',
  'patientId',
  '*.patientId',
  'context',
  '*.context',
  'prefetch',
  '*.prefetch',
  'jwt',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: 'sts-pathway-cds' },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin: () => {
        const request = currentRequest();
        return request ? { requestId: request.requestId } : {};
      },
    },
    destination,
  );
}

export type { Logger };
