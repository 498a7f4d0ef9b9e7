/**
 * Errors are logged by kind (issue 19): a refused request is the caller's (`client-error`, warn), a FHIR server that
 * failed is `upstream-failure` (warn), shedding or not ready is `unavailable` (warn), and a 500 the service raised or
 * an unexpected exception is `internal-bug` (error) — so an operator's alert on level error means a bug of ours.
 */
import { Writable } from 'node:stream';
import express from 'express';
import request from 'supertest';
import { CdsError, internalError, outcome, upstreamFailed } from '../../../src/errors.js';
import { errorHandler } from '../../../src/http/error-handler.js';
import { createLogger } from '../../../src/log.js';
import { outcomeOf } from '../../helpers/responses.js';

interface Line {
  level: number;
  msg: string;
  kind?: string;
  status?: number;
}

function appThrowing(err: unknown): { app: express.Express; lines: Line[] } {
  const lines: Line[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(JSON.parse(chunk.toString()) as Line);
      cb();
    },
  });
  const app = express();
  app.get('/x', () => {
    throw err;
  });
  app.use(errorHandler(createLogger('info', sink)));
  return { app, lines };
}

const WARN = 40;
const ERROR = 50;

test.each([
  [
    'a bad request',
    new CdsError(outcome('invalid-request', 'context.patientId is missing')),
    400,
    'client-error',
    WARN,
  ],
  ['a FHIR server that failed', new CdsError(upstreamFailed('fhirServer answered 500')), 502, 'upstream-failure', WARN],
  ['load shed', new CdsError(outcome('overloaded', 'busy')), 503, 'unavailable', WARN],
  [
    'a 500 the service raised',
    new CdsError(internalError(), { cause: new TypeError('x is undefined') }),
    500,
    'internal-bug',
    ERROR,
  ],
  ['an unexpected exception', new RangeError('boom'), 500, 'internal-bug', ERROR],
] as const)('%s: answered %i, logged as %s', async (_what, err, status, kind, level) => {
  const { app, lines } = appThrowing(err);
  const res = await request(app).get('/x');
  expect(res.status).toBe(status);
  expect(outcomeOf(res).resourceType).toBe('OperationOutcome');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ kind, level });
});
