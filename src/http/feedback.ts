import { CdsError, badRequest } from '../errors.js';
import { OVERRIDE_REASONS } from '../pathway/index.js';
import { isRecord } from '../shared/guards.js';

const OUTCOMES = new Set(['accepted', 'overridden']);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const fail = (msg: string, path: string): never => {
  throw new CdsError(badRequest(msg, [path]));
};

/** `acceptedSuggestions`: 1 to 100 objects `{ id: <suggestion uuid> }` (required for `accepted`). */
function validateAccepted(v: unknown, at: string): void {
  const path = `${at}.acceptedSuggestions`;
  if (!Array.isArray(v) || v.length === 0 || v.length > 100) {
    fail(`${path} must hold 1 to 100 accepted suggestions for an 'accepted' outcome`, path);
  }
  (v as unknown[]).forEach((s, j) => {
    if (!isRecord(s) || typeof s.id !== 'string' || !UUID.test(s.id)) {
      fail(`${path}[${j}] must be an object whose id is the uuid of a suggestion`, `${path}[${j}].id`);
    }
  });
}

/** `overrideReason`: `{ reason: <a §5 override reason Coding>, userComment?: string }`. */
function validateOverrideReason(v: unknown, at: string): void {
  const path = `${at}.overrideReason`;
  if (!isRecord(v)) return fail(`${path} must be an object with a reason`, path);
  const reason = v.reason;
  const known = isRecord(reason) && OVERRIDE_REASONS.some((r) => r.system === reason.system && r.code === reason.code);
  if (!known) {
    fail(`${path}.reason must be one of the card's overrideReasons (system and code)`, `${path}.reason`);
  }
  if (v.userComment !== undefined && (typeof v.userComment !== 'string' || v.userComment.length > 2000)) {
    fail(`${path}.userComment must be a string of at most 2000 characters`, `${path}.userComment`);
  }
}

/** Validates a CDS Hooks feedback body (https://cds-hooks.hl7.org/2.0/#feedback); throws a 400 CdsError. */
export function validateFeedback(body: unknown): void {
  if (!isRecord(body) || !Array.isArray(body.feedback)) {
    throw new CdsError(badRequest('Feedback body must be an object with a `feedback` array', ['feedback']));
  }
  if (body.feedback.length === 0 || body.feedback.length > 100) {
    throw new CdsError(badRequest('`feedback` must hold 1 to 100 entries', ['feedback']));
  }
  body.feedback.forEach((f: unknown, i: number) => {
    const at = `feedback[${i}]`;
    if (!isRecord(f)) throw new CdsError(badRequest(`${at} must be an object`, [at]));
    if (typeof f.card !== 'string' || f.card.length === 0) {
      throw new CdsError(badRequest(`${at}.card must be the uuid of a card`, [`${at}.card`]));
    }
    if (typeof f.outcome !== 'string' || !OUTCOMES.has(f.outcome)) {
      throw new CdsError(badRequest(`${at}.outcome must be 'accepted' or 'overridden'`, [`${at}.outcome`]));
    }
    if (typeof f.outcomeTimestamp !== 'string' || Number.isNaN(Date.parse(f.outcomeTimestamp))) {
      throw new CdsError(badRequest(`${at}.outcomeTimestamp must be an ISO 8601 instant`, [`${at}.outcomeTimestamp`]));
    }
    if (f.outcome === 'accepted') {
      validateAccepted(f.acceptedSuggestions, at);
      if (f.overrideReason !== undefined)
        fail(`${at}.overrideReason is only for an 'overridden' outcome`, `${at}.overrideReason`);
    } else {
      // CDS Hooks 2.0 makes the reason optional: an info card can be dismissed without one.
      if (f.overrideReason !== undefined) validateOverrideReason(f.overrideReason, at);
      if (f.acceptedSuggestions !== undefined) {
        fail(`${at}.acceptedSuggestions is only for an 'accepted' outcome`, `${at}.acceptedSuggestions`);
      }
    }
  });
}
