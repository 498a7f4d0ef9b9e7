/**
 * Response bodies read as what the service answers: supertest types every body `any`, so a test names the shape it
 * expects here instead of reaching into `any`.
 */
import type { OperationOutcome, OperationOutcomeIssue } from 'fhir/r4.js';
import type { CdsResponse } from '../../src/shared/cds-hooks.js';

interface WithBody {
  readonly body: unknown;
}

/** An error answer's OperationOutcome. */
export const outcomeOf = (res: WithBody): OperationOutcome => res.body as OperationOutcome;

/** An error answer's first issue (the service sends one). */
export const issueOf = (res: WithBody): OperationOutcomeIssue | undefined => outcomeOf(res).issue[0];

/** A hook's answer. */
export const cdsResponseOf = (res: WithBody): CdsResponse => res.body as CdsResponse;
