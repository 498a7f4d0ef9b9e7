import { CdsError, badRequest } from '../errors.js';
import { isObject } from './validate-request.js';

const OUTCOMES = new Set(['accepted', 'overridden']);

/** Validates a CDS Hooks feedback body (https://cds-hooks.hl7.org/2.0/#feedback); throws a 400 CdsError. */
export function validateFeedback(body: unknown): void {
  if (!isObject(body) || !Array.isArray(body.feedback)) {
    throw new CdsError(badRequest('Feedback body must be an object with a `feedback` array', ['feedback']));
  }
  if (body.feedback.length === 0 || body.feedback.length > 100) {
    throw new CdsError(badRequest('`feedback` must hold 1 to 100 entries', ['feedback']));
  }
  body.feedback.forEach((f: unknown, i: number) => {
    const at = `feedback[${i}]`;
    if (!isObject(f)) throw new CdsError(badRequest(`${at} must be an object`, [at]));
    if (typeof f.card !== 'string' || f.card.length === 0) {
      throw new CdsError(badRequest(`${at}.card must be the uuid of a card`, [`${at}.card`]));
    }
    if (typeof f.outcome !== 'string' || !OUTCOMES.has(f.outcome)) {
      throw new CdsError(badRequest(`${at}.outcome must be 'accepted' or 'overridden'`, [`${at}.outcome`]));
    }
    if (typeof f.outcomeTimestamp !== 'string' || Number.isNaN(Date.parse(f.outcomeTimestamp))) {
      throw new CdsError(badRequest(`${at}.outcomeTimestamp must be an ISO 8601 instant`, [`${at}.outcomeTimestamp`]));
    }
  });
}
