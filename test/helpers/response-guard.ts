/**
 * PATHWAY.md "Verification", over the whole test suite: every CDS Hooks response any test's app sends (hook cards
 * and discovery, whatever the test then asserts) is checked for what the spec marks "(to verify)". The check sits
 * on Express's response prototype, which every app built in a test file inherits (createApp and the test servers
 * alike); the jest setup (test/helpers/jest-setup.ts) fails the test during which a response broke the rule.
 */
import express, { type Response } from 'express';
import { toVerifyProblems } from './to-verify.js';

const KEY = Symbol.for('sts-pathway-cds.to-verify-guard');

interface GuardState {
  problems: string[];
}

const state = (): GuardState => {
  const g = globalThis as { [KEY]?: GuardState };
  g[KEY] ??= { problems: [] };
  return g[KEY];
};

/** A hook response (`cards`) or discovery (`services`). */
const isCdsResponse = (body: unknown): boolean =>
  typeof body === 'object' &&
  body !== null &&
  (Array.isArray((body as { cards?: unknown }).cards) || Array.isArray((body as { services?: unknown }).services));

let installed = false;

/** Wraps `res.json` of every Express app of this test file with the "(to verify)" check (once). */
export function installResponseGuard(): void {
  if (installed) return;
  installed = true;
  const json = express.response.json;
  express.response.json = function guardedJson(this: Response, body?: unknown) {
    if (isCdsResponse(body)) {
      for (const p of toVerifyProblems(body)) state().problems.push(`${this.req.method} ${this.req.originalUrl}: ${p}`);
    }
    return json.call(this, body);
  };
}

/** The problems recorded since the last call (and forgets them). */
export function takeGuardProblems(): string[] {
  const s = state();
  const out = s.problems;
  s.problems = [];
  return out;
}
