/**
 * The digest of a request body as it arrived. When every prefetch key came from the body, the patient Bundle the engine
 * reads is a function of those bytes, so the result cache can key on this digest (SHA-256 of the raw body, ~0.2 ms
 * for a 5-year chart's 240 KB) instead of serializing the Bundle to JSON and hashing that (~1 ms; bench/profile.md,
 * "Tenth pass"). The body parser hands each body to `keepRawBody`; the bytes are kept with the request (no copy).
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const rawBodies = new WeakMap<IncomingMessage, Buffer>();

/** express.json's `verify` hook: remembers the body's bytes for `requestDigestOf`. */
export function keepRawBody(req: IncomingMessage, _res: unknown, body: Buffer): void {
  rawBodies.set(req, body);
}

/** A function giving the SHA-256 (base64url) of `req`'s raw body, computed once on first call; undefined without one. */
export function requestDigestOf(req: IncomingMessage): (() => string) | undefined {
  const body = rawBodies.get(req);
  if (body === undefined) return undefined;
  let digest: string | undefined;
  return () => (digest ??= createHash('sha256').update(body).digest('base64url'));
}
