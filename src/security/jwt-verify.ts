/**
 * Verifies the JWT a CDS client sends with every call (https://cds-hooks.hl7.org/2.0/#trusting-cds-clients):
 * asymmetric signature by a key of an allow-listed issuer, `aud` = the endpoint called, `exp`/`iat` in range,
 * and a `jti` never seen before.
 */
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JWSHeaderParameters,
  type FlattenedJWSInput,
  type JWTVerifyGetKey,
} from 'jose';
import type { CdsClientConfig, SecurityConfig } from './config.js';
import { MemoryReplayStore, type ReplayStore } from './replay-cache.js';
import type { VerifiedClient } from './verified-client.js';

/** Signature algorithms accepted: asymmetric only; `none` and every HMAC are refused (CDS Hooks forbids them). */
export const ALLOWED_ALGORITHMS: readonly string[] = Object.freeze([
  'ES256',
  'ES384',
  'ES512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
]);

/** The name of the check a JWT failed, as said in the 401 diagnostics. */
export type JwtCheck =
  | 'authorization'
  | 'format'
  | 'alg'
  | 'iss'
  | 'sub'
  | 'jku'
  | 'kid'
  | 'jwks'
  | 'signature'
  | 'aud'
  | 'exp'
  | 'iat'
  | 'nbf'
  | 'jti';

/** A JWT that failed one check; the message never holds the token. */
export class JwtRejected extends Error {
  constructor(
    readonly check: JwtCheck,
    detail: string,
  ) {
    super(`JWT rejected (${check}): ${detail}`);
    this.name = 'JwtRejected';
  }
}

export interface JwtVerifier {
  /** Verifies `token` for a call to `audience` (the exact endpoint URL); throws JwtRejected. */
  verify(token: string, audience: string): Promise<VerifiedClient>;
}

type KeySet = (header: JWSHeaderParameters, token: FlattenedJWSInput) => ReturnType<JWTVerifyGetKey>;

const MAX_TOKEN_CHARS = 16_384;
const MAX_JTI_CHARS = 256;

/** Builds a verifier holding the JWKS caches for `config`; `replay` remembers the jtis (in process by default). */
export function createJwtVerifier(
  config: SecurityConfig,
  clock: () => Date = () => new Date(),
  replay: ReplayStore = new MemoryReplayStore(config.replayCacheSize),
): JwtVerifier {
  const clients = new Map(config.clients.map((c) => [c.iss, c]));
  const remote = new Map<string, KeySet>();
  const local = new Map<string, KeySet>();
  for (const client of config.clients) {
    // Pinned keys: a client configured with `jwks` is never fetched from, whatever its `jku` list says.
    if (client.jwks) {
      local.set(client.iss, createLocalJWKSet(client.jwks));
      continue;
    }
    for (const url of client.jku) {
      if (remote.has(url)) continue;
      remote.set(
        url,
        createRemoteJWKSet(new URL(url), {
          timeoutDuration: config.jwksTimeoutMs,
          cacheMaxAge: config.jwksCacheMaxAgeS * 1000,
          cooldownDuration: config.jwksCooldownS * 1000,
        }),
      );
    }
  }
  /**
   * The keys a token of `client` may be signed with. A `jku` header must be on the client's allow-list (CDS Hooks 2.0
   * "Trusting CDS Clients": the service keeps an allow-list of jku URLs; an unlisted one is never fetched). A listed
   * jku of a client with pinned `jwks` is answered by those keys, offline: the configured keys are what that URL holds
   * for this service (how the CDS Hooks sandbox, whose tokens always carry its jku, is trusted without reaching it).
   */
  const keySetsFor = (client: CdsClientConfig, header: JWSHeaderParameters): KeySet[] => {
    const own = local.get(client.iss);
    if (header.jku !== undefined) {
      const wanted = typeof header.jku === 'string' && URL.canParse(header.jku) ? new URL(header.jku).href : undefined;
      if (wanted === undefined || !client.jku.includes(wanted)) {
        throw new JwtRejected(
          'jku',
          own
            ? "the token's jku header is not a JWKS URL configured for this client (list it in the client's jku to answer it with the pinned jwks)"
            : "the token's jku header is not a JWKS URL configured for this client",
        );
      }
      const set = own ?? remote.get(wanted);
      if (!set) throw new JwtRejected('jku', "the token's jku header is not a JWKS URL configured for this client");
      return [set];
    }
    if (own) return [own];
    return client.jku.flatMap((url) => remote.get(url) ?? []);
  };

  const keyGetterFor =
    (client: CdsClientConfig): KeySet =>
    async (header, token) => {
      let noMatch: unknown;
      for (const set of keySetsFor(client, header)) {
        try {
          return await set(header, token);
        } catch (err) {
          if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) {
            noMatch = err;
            continue;
          }
          if (err instanceof errors.JWKSTimeout)
            throw new JwtRejected('jwks', "the client's JWKS could not be fetched in time");
          throw new JwtRejected('jwks', "the client's JWKS could not be fetched or read");
        }
      }
      throw noMatch instanceof errors.JWKSMultipleMatchingKeys
        ? new JwtRejected('kid', "several keys in the client's JWKS match; the token needs a kid")
        : new JwtRejected('kid', "no key in the client's JWKS matches the token's kid and alg");
    };

  return {
    async verify(token, audience) {
      if (token.length > MAX_TOKEN_CHARS || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token)) {
        throw new JwtRejected('format', 'the bearer token is not a compact JWS');
      }
      let header: JWSHeaderParameters;
      let unverifiedIss: unknown;
      try {
        header = decodeProtectedHeader(token);
        unverifiedIss = decodeJwt(token).iss;
      } catch {
        throw new JwtRejected('format', 'the JWT header or payload cannot be decoded');
      }
      if (typeof header.alg !== 'string' || !ALLOWED_ALGORITHMS.includes(header.alg)) {
        throw new JwtRejected('alg', `signature algorithm must be one of ${ALLOWED_ALGORITHMS.join(', ')}`);
      }
      // The unverified `iss` only picks whose keys to try; the signature check below is what trusts it.
      const client = typeof unverifiedIss === 'string' ? clients.get(unverifiedIss) : undefined;
      if (!client) throw new JwtRejected('iss', 'the issuer is not an allow-listed CDS client');
      const now = clock();
      let payload;
      try {
        ({ payload } = await jwtVerify(token, keyGetterFor(client), {
          algorithms: [...ALLOWED_ALGORITHMS],
          issuer: client.iss,
          audience,
          ...(client.sub !== undefined ? { subject: client.sub } : {}),
          requiredClaims: ['iss', 'aud', 'exp', 'iat', 'jti'],
          clockTolerance: config.clockSkewS,
          maxTokenAge: config.maxTokenLifetimeS,
          currentDate: now,
        }));
      } catch (err) {
        throw asRejection(err, audience);
      }
      const nowS = now.getTime() / 1000;
      const exp = payload.exp ?? 0;
      if (exp - nowS > config.maxTokenLifetimeS + config.clockSkewS) {
        throw new JwtRejected(
          'exp',
          `the token lives longer than the ${config.maxTokenLifetimeS} s this service accepts`,
        );
      }
      const jti = payload.jti;
      if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_CHARS) {
        throw new JwtRejected('jti', `jti must be a non-empty string of at most ${MAX_JTI_CHARS} characters`);
      }
      const verdict = await replay.check(client.iss, jti, (exp + config.clockSkewS) * 1000, now.getTime());
      if (verdict === 'replayed') throw new JwtRejected('jti', 'this jti was already used: a JWT is accepted once');
      if (verdict === 'full') {
        throw new JwtRejected(
          'jti',
          'this issuer has too many live tokens to remember; retry with a new token shortly',
        );
      }
      const tenant: unknown = payload.tenant;
      return Object.freeze({
        iss: client.iss,
        config: client,
        jti,
        exp,
        ...(typeof payload.sub === 'string' ? { sub: payload.sub } : {}),
        ...(typeof tenant === 'string' ? { tenant } : {}),
      });
    },
  };
}

/** Turns a jose error into the check it failed. */
function asRejection(err: unknown, audience: string): JwtRejected {
  if (err instanceof JwtRejected) return err;
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) {
    return new JwtRejected('alg', 'the signature algorithm or key type is not accepted');
  }
  if (err instanceof errors.JWSSignatureVerificationFailed)
    return new JwtRejected('signature', 'the signature does not verify');
  if (err instanceof errors.JWTExpired) {
    return err.claim === 'iat'
      ? new JwtRejected('iat', 'the token was issued too long ago')
      : new JwtRejected('exp', 'the token has expired');
  }
  if (err instanceof errors.JWTClaimValidationFailed) {
    const claim = err.claim;
    if (err.reason === 'missing' && isCheck(claim))
      return new JwtRejected(claim, `the required ${claim} claim is missing`);
    if (err.reason === 'invalid' && isCheck(claim))
      return new JwtRejected(claim, `the ${claim} claim must be a NumericDate`);
    switch (claim) {
      case 'aud':
        return new JwtRejected('aud', `the audience must be the endpoint called: ${audience}`);
      case 'iat':
        return new JwtRejected('iat', 'the token is issued in the future');
      case 'nbf':
        return new JwtRejected('nbf', 'the token is not valid yet');
      case 'iss':
        return new JwtRejected('iss', 'the issuer is not an allow-listed CDS client');
      case 'sub':
        return new JwtRejected('sub', 'the subject is not the one configured for this client');
      default:
        return new JwtRejected('format', 'a claim has an invalid value');
    }
  }
  return new JwtRejected('format', 'the JWT is malformed');
}

const CHECKS = new Set<string>(['iss', 'aud', 'exp', 'iat', 'jti', 'sub', 'nbf']);
const isCheck = (claim: string): claim is JwtCheck => CHECKS.has(claim);
