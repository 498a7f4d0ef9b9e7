/**
 * Adherence over HTTP (issue 17): feedback stored before its 200 (503 with Retry-After while the database is down),
 * and GET /adherence (JSON) and /adherence.csv, behind an admin bearer token (ADHERENCE_ADMIN_TOKEN; required in
 * production, compared in constant time).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { CdsError, badRequest, forbidden, outcome, truncate, unauthorized } from '../errors.js';
import type { Mode } from '../shared/env-reader.js';
import type { AdherenceStore, ReportFilter } from '../adherence/index.js';
import { reportCsv } from '../adherence/index.js';
import type { FeedbackEntryInput } from '../adherence/feedback-store.js';
import { HOOK_SERVICES } from '../hooks/registry.js';
import { NODE_IDS, RULE_IDS } from '../pathway/index.js';
import type { VerifiedClient } from '../security/index.js';
import { isRecord } from '../shared/guards.js';

/** Seconds an EHR is asked to wait before it posts feedback again while the database is down. */
export const FEEDBACK_RETRY_AFTER_S = 30;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The entries of a feedback body that validateFeedback (feedback.ts) accepted, as the store takes them. */
function feedbackEntries(body: unknown): FeedbackEntryInput[] {
  const list: unknown[] = isRecord(body) && Array.isArray(body.feedback) ? body.feedback : [];
  return list.filter(isRecord).map((f) => {
    const reason = isRecord(f.overrideReason) ? f.overrideReason : undefined;
    const coding = reason !== undefined && isRecord(reason.reason) ? reason.reason : undefined;
    const comment = str(reason?.userComment);
    const accepted = Array.isArray(f.acceptedSuggestions) ? f.acceptedSuggestions.filter(isRecord) : undefined;
    return {
      card: str(f.card) ?? '',
      outcome: f.outcome === 'accepted' ? 'accepted' : 'overridden',
      outcomeTimestamp: str(f.outcomeTimestamp) ?? '',
      ...(accepted ? { acceptedSuggestions: accepted.map((s) => ({ id: str(s.id) ?? '' })) } : {}),
      ...(reason
        ? {
            overrideReason: {
              ...(coding
                ? { reason: { system: str(coding.system), code: str(coding.code), display: str(coding.display) } }
                : {}),
              ...(comment !== undefined ? { userComment: comment } : {}),
            },
          }
        : {}),
    };
  });
}

/**
 * Stores a validated feedback body before the service answers; 503 + Retry-After when the database cannot take it,
 * so the EHR posts it again (an acknowledged entry is never lost).
 */
export async function saveFeedback(
  store: AdherenceStore,
  service: string,
  body: unknown,
  client: VerifiedClient | undefined,
  res: Response,
): Promise<void> {
  try {
    await store.recordFeedback(service, feedbackEntries(body), { issuer: client?.iss, subject: client?.sub });
  } catch (err) {
    res.setHeader('Retry-After', String(FEEDBACK_RETRY_AFTER_S));
    throw new CdsError(
      outcome('not-ready', 'Feedback could not be stored now (adherence database unavailable); post it again later'),
      { cause: err },
    );
  }
}

export interface AdherenceRouterDeps {
  readonly store: AdherenceStore | undefined;
  readonly mode: Mode;
  readonly adminToken: string | undefined;
  readonly clock: () => Date;
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** 401 without a bearer token, 403 with a wrong one or (production) when no admin token is configured. */
function checkAdmin(req: Request, res: Response, deps: AdherenceRouterDeps): void {
  if (deps.adminToken === undefined) {
    if (deps.mode === 'production')
      throw new CdsError(forbidden('The adherence report is off: set ADHERENCE_ADMIN_TOKEN to enable it'));
    return;
  }
  const match = /^Bearer +(\S+)$/i.exec(req.get('authorization') ?? '');
  if (!match?.[1]) {
    res.setHeader('WWW-Authenticate', 'Bearer realm="adherence"');
    throw new CdsError(unauthorized('The adherence report needs `Authorization: Bearer <ADHERENCE_ADMIN_TOKEN>`'));
  }
  // Equal-length digests: the comparison takes the same time whatever the token's length or first wrong byte.
  if (!timingSafeEqual(digest(match[1]), digest(deps.adminToken))) {
    throw new CdsError(forbidden('The bearer token is not the adherence admin token'));
  }
}

const DAY_MS = 86_400_000;
const DEFAULT_DAYS = 365;

function instant(v: unknown, name: string, endOfDay: boolean): Date | undefined {
  if (v === undefined) return undefined;
  const s = typeof v === 'string' ? v : '';
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(s);
  const t = Date.parse(dateOnly ? `${s}T00:00:00Z` : s);
  if (!/^\d{4}-\d{2}-\d{2}/.test(s) || Number.isNaN(t)) {
    throw new CdsError(
      badRequest(`${name} must be a date (YYYY-MM-DD) or an ISO 8601 instant (got '${truncate(s, 40)}')`, [name]),
    );
  }
  // A date-only `to` includes that whole day.
  return new Date(dateOnly && endOfDay ? t + DAY_MS : t);
}

/** The report filter of a query: from, to (default: the 365 days up to the end of today, UTC), service, node or rule. */
export function reportFilter(query: Request['query'], now: Date): ReportFilter {
  const to = instant(query.to, 'to', true) ?? new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS + DAY_MS);
  const from = instant(query.from, 'from', false) ?? new Date(to.getTime() - DEFAULT_DAYS * DAY_MS);
  if (from >= to) throw new CdsError(badRequest('`from` must be before `to`', ['from']));
  const service = str(query.service);
  if (query.service !== undefined && !HOOK_SERVICES.some((s) => s.definition.id === service)) {
    throw new CdsError(
      badRequest(`service must be one of ${HOOK_SERVICES.map((s) => s.definition.id).join(', ')}`, ['service']),
    );
  }
  const node = str(query.node);
  const rule = str(query.rule);
  if (query.node !== undefined && !(NODE_IDS as readonly string[]).includes(node ?? '')) {
    throw new CdsError(badRequest('node must be a pathway node id (GET /pathway lists them)', ['node']));
  }
  if (query.rule !== undefined && !(RULE_IDS as readonly string[]).includes(rule ?? '')) {
    throw new CdsError(badRequest('rule must be a pathway safety rule id (GET /pathway lists them)', ['rule']));
  }
  if (node !== undefined && rule !== undefined) throw new CdsError(badRequest('Give node or rule, not both', ['rule']));
  const topic = node ?? rule;
  return { from, to, ...(service !== undefined ? { service } : {}), ...(topic !== undefined ? { topic } : {}) };
}

/** GET /adherence and GET /adherence.csv. */
export function adherenceRouter(deps: AdherenceRouterDeps): Router {
  const router = Router();
  const report = async (req: Request, res: Response) => {
    checkAdmin(req, res, deps);
    const filter = reportFilter(req.query, deps.clock());
    if (!deps.store) throw new CdsError(outcome('not-ready', 'The adherence store is off (ADHERENCE_STORE=false)'));
    res.setHeader('Cache-Control', 'no-store');
    try {
      return { ...(await deps.store.report(filter)), recorder: deps.store.stats() };
    } catch (err) {
      res.setHeader('Retry-After', String(FEEDBACK_RETRY_AFTER_S));
      throw new CdsError(outcome('not-ready', 'The adherence database is unavailable; try again later'), {
        cause: err,
      });
    }
  };
  router.get('/adherence', async (req, res) => {
    res.json(await report(req, res));
  });
  router.get('/adherence.csv', async (req, res) => {
    const body = reportCsv(await report(req, res));
    res.type('text/csv').setHeader('Content-Disposition', 'attachment; filename="adherence.csv"');
    res.send(body);
  });
  return router;
}
