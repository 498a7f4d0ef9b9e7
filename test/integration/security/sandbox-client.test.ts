/**
 * The CDS Hooks sandbox as a trusted client with its key pinned (deploy/examples/sandbox-client.json): its tokens always
 * carry `jku: https://sandbox.cds-hooks.org/.well-known/jwks.json`, and a service that cannot reach that URL must still
 * accept them, from the configured keys, without any fetch; a jku the client does not list is refused.
 */
import { readFileSync } from 'node:fs';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { loadConfig } from '../../../src/config.js';
import { createJwtVerifier, JwtRejected } from '../../../src/security/jwt-verify.js';
import { authEnv, makeKey, signToken, startJwksServer, type JwksServer, type TestKey } from './jwt-fixtures.js';

const SANDBOX_ISS = 'https://sandbox.cds-hooks.org';
const SANDBOX_JKU = 'https://sandbox.cds-hooks.org/.well-known/jwks.json';
const AUD = 'https://cds.example.org/cds-services/sts-pathway-order-select';
const EXAMPLE = new URL('../../../deploy/examples/sandbox-client.json', import.meta.url);

/** The shipped example client, read as the service reads CDS_CLIENTS_FILE. */
const shipped = (): Record<string, unknown>[] => JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, unknown>[];

let key: TestKey;
let jwks: JwksServer;
beforeAll(async () => {
  key = await makeKey('ES384');
  jwks = await startJwksServer([key.publicJwk]);
});
afterAll(async () => {
  await jwks.close();
});

/** A verifier for `clients`; no network is reachable from tests except the loopback JWKS server. */
const verifierFor = (clients: unknown[]) =>
  createJwtVerifier(loadConfig(authEnv(clients, { JWKS_TIMEOUT_MS: '300' })).security);

/** A token in the sandbox's shape (its jwt-generator.js): ES384, typ JWT, kid, jku; iss, aud, exp +300 s, iat, jti. */
const sandboxToken = (header: Record<string, unknown> = { jku: SANDBOX_JKU }) =>
  signToken({ key, iss: SANDBOX_ISS, aud: AUD, header });

async function rejection(p: Promise<unknown>): Promise<JwtRejected> {
  try {
    await p;
  } catch (err) {
    if (err instanceof JwtRejected) return err;
    throw err;
  }
  throw new Error('token was accepted');
}

describe('the shipped sandbox client (deploy/examples/sandbox-client.json)', () => {
  test('loads as CDS_CLIENTS_FILE with no problem, pinning the sandbox key for its jku', () => {
    const config = loadConfig(authEnv([], { CDS_CLIENTS: '', CDS_CLIENTS_FILE: EXAMPLE.pathname }));
    expect(config.security.clients).toEqual([expect.objectContaining({ iss: SANDBOX_ISS, jku: [SANDBOX_JKU] })]);
    expect(config.security.clients[0]?.jwks?.keys).toHaveLength(1);
  });

  test("its key is the sandbox's published key (RFC 7638 thumbprint of build/.well-known/jwks.json in cds-hooks/sandbox)", async () => {
    const jwk = (shipped()[0]?.jwks as { keys: JWK[] }).keys[0];
    if (jwk === undefined) throw new Error('no key shipped');
    // The thumbprint of the key in the sandbox repository (commit 3b7e255, checked by hand): a key edited here fails.
    expect(await calculateJwkThumbprint(jwk, 'sha256')).toBe(SANDBOX_THUMBPRINT);
    expect(jwk).toMatchObject({ kid: '44823f3d-0b01-4a6c-a80e-b9d3e8a7226f', alg: 'ES384', crv: 'P-384' });
  });

  test('a sandbox-shaped token signed by the pinned key is accepted offline (the jku is never fetched)', async () => {
    const client = { ...shipped()[0], jwks: { keys: [key.publicJwk] } };
    const started = Date.now();
    await expect(verifierFor([client]).verify(await sandboxToken(), AUD)).resolves.toMatchObject({ iss: SANDBOX_ISS });
    // Well under the 300 ms JWKS timeout: no attempt to reach sandbox.cds-hooks.org.
    expect(Date.now() - started).toBeLessThan(300);
  });
});

describe('pinned keys and jku headers', () => {
  test('jku + jwks: a token with that jku, and one with no jku, are verified with the pinned keys; the jku is not fetched', async () => {
    const v = verifierFor([{ iss: SANDBOX_ISS, jku: jwks.url, jwks: { keys: [key.publicJwk] } }]);
    const before = jwks.hits();
    await expect(v.verify(await sandboxToken({ jku: jwks.url }), AUD)).resolves.toMatchObject({ iss: SANDBOX_ISS });
    await expect(v.verify(await sandboxToken({}), AUD)).resolves.toMatchObject({ iss: SANDBOX_ISS });
    expect(jwks.hits()).toBe(before);
  });

  test('jku + jwks: a token with another jku is a 401 jku and that URL is never fetched', async () => {
    const v = verifierFor([{ iss: SANDBOX_ISS, jku: SANDBOX_JKU, jwks: { keys: [key.publicJwk] } }]);
    const before = jwks.hits();
    const err = await rejection(v.verify(await sandboxToken({ jku: jwks.url }), AUD));
    expect(err.check).toBe('jku');
    expect(jwks.hits()).toBe(before);
  });

  test('jwks only: a token carrying a jku is a 401 jku that says how to accept it (list the jku), never a fetch', async () => {
    const v = verifierFor([{ iss: SANDBOX_ISS, jwks: { keys: [key.publicJwk] } }]);
    const err = await rejection(v.verify(await sandboxToken(), AUD));
    expect(err.check).toBe('jku');
    expect(err.message).toMatch(/list it in the client's jku/);
    await expect(v.verify(await sandboxToken({}), AUD)).resolves.toMatchObject({ iss: SANDBOX_ISS });
  });

  test('jku only (no pinned keys): the listed JWKS URL is fetched as before', async () => {
    const v = verifierFor([{ iss: SANDBOX_ISS, jku: jwks.url }]);
    const before = jwks.hits();
    await expect(v.verify(await sandboxToken({ jku: jwks.url }), AUD)).resolves.toMatchObject({ iss: SANDBOX_ISS });
    expect(jwks.hits()).toBe(before + 1);
  });

  test('a pinned key that did not sign the token: 401 signature or kid, whatever the jku', async () => {
    const other = await makeKey('ES384');
    const v = verifierFor([
      { iss: SANDBOX_ISS, jku: SANDBOX_JKU, jwks: { keys: [{ ...other.publicJwk, kid: key.kid }] } },
    ]);
    expect((await rejection(v.verify(await sandboxToken(), AUD))).check).toBe('signature');
  });
});

// jose calculateJwkThumbprint of the key in cds-hooks/sandbox build/.well-known/jwks.json (commit 3b7e255).
const SANDBOX_THUMBPRINT = 's9fOe-KDYD1myZ8YCzleUqJQgrYZL49kVijBxhnZvZc';
