/**
 * Real keys and a real JWKS endpoint on loopback for the JWT tests: keys are generated per run with jose,
 * the JWKS is served by a tiny node:http server that counts its fetches.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export interface TestKey {
  readonly alg: 'ES384' | 'RS384';
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

/** A fresh key pair with a random kid; its public JWK carries kid, alg and use. */
export async function makeKey(alg: 'ES384' | 'RS384'): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const kid = randomUUID();
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { alg, kid, privateKey, publicJwk };
}

export interface JwksServer {
  readonly url: string;
  /** How many times the JWKS was fetched. */
  readonly hits: () => number;
  setKeys(keys: readonly JWK[]): void;
  close(): Promise<void>;
}

/** Serves `{ keys }` at http://127.0.0.1:<port>/.well-known/jwks.json. */
export async function startJwksServer(keys: readonly JWK[]): Promise<JwksServer> {
  let current = keys;
  let hits = 0;
  const server: Server = createServer((req, res) => {
    if (req.url !== '/.well-known/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    hits += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: current }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    hits: () => hits,
    setKeys: (k) => {
      current = k;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface TokenOptions {
  readonly key: TestKey;
  readonly iss: string;
  readonly aud: string | string[];
  /** Claims to add or (with undefined) remove. */
  readonly claims?: Readonly<Record<string, unknown>>;
  readonly header?: Readonly<Record<string, unknown>>;
  readonly now?: number;
}

/** Signs a CDS Hooks client JWT: iss, aud, iat now, exp in 5 minutes, a random jti (each overridable). */
export async function signToken(o: TokenOptions): Promise<string> {
  const now = o.now ?? Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: o.iss,
    aud: o.aud,
    iat: now,
    exp: now + 300,
    jti: randomUUID(),
    ...o.claims,
  };
  const payload: JWTPayload = Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
  return new SignJWT(payload)
    .setProtectedHeader({ alg: o.key.alg, kid: o.key.kid, typ: 'JWT', ...o.header })
    .sign(o.key.privateKey);
}

/** Environment for a config with auth required, the given clients, and http JWKS on loopback allowed. */
export function authEnv(clients: readonly unknown[], extra: Record<string, string> = {}): Record<string, string> {
  return {
    STS_MODE: 'development',
    AUTH: 'required',
    LOG_LEVEL: 'silent',
    EMBEDDED_FHIR: 'false',
    PUBLIC_BASE_URL: 'https://cds.example.org',
    JWKS_ALLOW_HTTP_LOOPBACK: 'true',
    CDS_CLIENTS: JSON.stringify(clients),
    ...extra,
  };
}
