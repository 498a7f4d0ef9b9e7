import { SignJWT, UnsecuredJWT } from 'jose';
import { loadConfig } from '../../../src/config.js';
import { createJwtVerifier, JwtRejected, type JwtCheck, type JwtVerifier } from '../../../src/security/jwt-verify.js';
import { authEnv, makeKey, signToken, startJwksServer, type JwksServer, type TestKey } from './jwt-fixtures.js';

const EHR = 'https://ehr.example.org';
const STATIC_EHR = 'https://static-ehr.example.org';
const AUD = 'https://cds.example.org/cds-services/sts-pathway-patient-view';

let es384: TestKey;
let rs384: TestKey;
let staticKey: TestKey;
let jwks: JwksServer;
let verifier: JwtVerifier;

beforeAll(async () => {
  [es384, rs384, staticKey] = await Promise.all([makeKey('ES384'), makeKey('RS384'), makeKey('ES384')]);
  jwks = await startJwksServer([es384.publicJwk, rs384.publicJwk]);
  const config = loadConfig(
    authEnv(
      [
        { iss: EHR, jku: jwks.url, fhirServers: [] },
        { iss: STATIC_EHR, jwks: { keys: [staticKey.publicJwk] } },
      ],
      // No cooldown, so an unknown kid refetches at once (the default 30 s would hide the refetch in a test).
      { JWKS_COOLDOWN_S: '0', JWT_CLOCK_SKEW_S: '30' },
    ),
  );
  verifier = createJwtVerifier(config.security);
});

afterAll(async () => {
  await jwks.close();
});

/** Verifies and returns the failed check (failing the test if the token was accepted). */
async function rejection(token: string, aud = AUD): Promise<JwtCheck> {
  try {
    await verifier.verify(token, aud);
  } catch (err) {
    if (!(err instanceof JwtRejected)) throw err;
    expect(err.message).not.toContain(token);
    expect(err.message).toMatch(new RegExp(`^JWT rejected \\(${err.check}\\)`));
    return err.check;
  }
  throw new Error('token was accepted');
}

describe('valid tokens', () => {
  test('an ES384 token from the client JWKS is accepted and names the client', async () => {
    const token = await signToken({ key: es384, iss: EHR, aud: AUD, claims: { tenant: 'hospital-a' } });
    const client = await verifier.verify(token, AUD);
    expect(client).toMatchObject({ iss: EHR, tenant: 'hospital-a' });
    expect(client.config.iss).toBe(EHR);
  });

  test('an RS384 token is accepted', async () => {
    const token = await signToken({ key: rs384, iss: EHR, aud: [AUD] });
    await expect(verifier.verify(token, AUD)).resolves.toMatchObject({ iss: EHR });
  });

  test('a token signed by a key from a static JWKS in config is accepted without any fetch', async () => {
    const before = jwks.hits();
    const token = await signToken({ key: staticKey, iss: STATIC_EHR, aud: AUD });
    await expect(verifier.verify(token, AUD)).resolves.toMatchObject({ iss: STATIC_EHR });
    expect(jwks.hits()).toBe(before);
  });

  test('a jku header is honoured when it is the client configured JWKS URL', async () => {
    const token = await signToken({ key: es384, iss: EHR, aud: AUD, header: { jku: jwks.url } });
    await expect(verifier.verify(token, AUD)).resolves.toMatchObject({ iss: EHR });
  });

  test('a rotated key is picked up by refetching the JWKS', async () => {
    const rotated = await makeKey('ES384');
    jwks.setKeys([es384.publicJwk, rs384.publicJwk, rotated.publicJwk]);
    const token = await signToken({ key: rotated, iss: EHR, aud: AUD });
    await expect(verifier.verify(token, AUD)).resolves.toMatchObject({ iss: EHR });
  });
});

describe('each failed check is rejected and named', () => {
  test('expired token: exp', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(
      await rejection(await signToken({ key: es384, iss: EHR, aud: AUD, claims: { iat: now - 600, exp: now - 120 } })),
    ).toBe('exp');
  });

  test('token that lives longer than the accepted lifetime: exp', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await rejection(await signToken({ key: es384, iss: EHR, aud: AUD, claims: { exp: now + 86_400 } }))).toBe(
      'exp',
    );
  });

  test('audience of another endpoint: aud', async () => {
    const token = await signToken({ key: es384, iss: EHR, aud: 'https://cds.example.org/cds-services' });
    expect(await rejection(token)).toBe('aud');
  });

  test('issuer not allow-listed: iss', async () => {
    expect(await rejection(await signToken({ key: es384, iss: 'https://evil.example.org', aud: AUD }))).toBe('iss');
  });

  test('a key of another client is not accepted for this issuer: kid', async () => {
    expect(await rejection(await signToken({ key: staticKey, iss: EHR, aud: AUD }))).toBe('kid');
  });

  test('unknown kid: the JWKS is refetched exactly once, then 401', async () => {
    const stranger = await makeKey('ES384');
    await verifier.verify(await signToken({ key: es384, iss: EHR, aud: AUD }), AUD); // warm cache
    const before = jwks.hits();
    expect(await rejection(await signToken({ key: stranger, iss: EHR, aud: AUD }))).toBe('kid');
    expect(jwks.hits()).toBe(before + 1);
  });

  test('alg none: alg', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = new UnsecuredJWT({ iss: EHR, aud: AUD, iat: now, exp: now + 300, jti: 'none-1' }).encode();
    expect(await rejection(token)).toBe('alg');
  });

  test('HS256 signed with the public key as the secret: alg', async () => {
    const now = Math.floor(Date.now() / 1000);
    const secret = new TextEncoder().encode(JSON.stringify(es384.publicJwk));
    const token = await new SignJWT({ iss: EHR, aud: AUD, iat: now, exp: now + 300, jti: 'hs-1' })
      .setProtectedHeader({ alg: 'HS256', kid: es384.kid })
      .sign(secret);
    expect(await rejection(token)).toBe('alg');
  });

  test('replayed jti: the second use is rejected', async () => {
    const token = await signToken({ key: es384, iss: EHR, aud: AUD });
    await verifier.verify(token, AUD);
    expect(await rejection(token)).toBe('jti');
  });

  test('the same jti in a new token is a replay too', async () => {
    const jti = `fixed-${Date.now()}`;
    await verifier.verify(await signToken({ key: es384, iss: EHR, aud: AUD, claims: { jti } }), AUD);
    expect(await rejection(await signToken({ key: rs384, iss: EHR, aud: AUD, claims: { jti } }))).toBe('jti');
  });

  test('tampered payload: signature', async () => {
    const token = await signToken({ key: es384, iss: EHR, aud: AUD, claims: { tenant: 'a' } });
    const [h, p, s] = token.split('.');
    const payload = JSON.parse(Buffer.from(p ?? '', 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...payload, tenant: 'b' })).toString('base64url');
    expect(await rejection(`${h}.${forged}.${s}`)).toBe('signature');
  });

  test('missing jti: jti', async () => {
    expect(await rejection(await signToken({ key: es384, iss: EHR, aud: AUD, claims: { jti: undefined } }))).toBe(
      'jti',
    );
  });

  test('iat beyond the clock skew in the future: iat', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await rejection(await signToken({ key: es384, iss: EHR, aud: AUD, claims: { iat: now + 120 } }))).toBe(
      'iat',
    );
  });

  test('iat within the clock skew is accepted', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await signToken({ key: es384, iss: EHR, aud: AUD, claims: { iat: now + 10 } });
    await expect(verifier.verify(token, AUD)).resolves.toMatchObject({ iss: EHR });
  });

  test('a jku header the client config does not list is not fetched: jku', async () => {
    const before = jwks.hits();
    const token = await signToken({
      key: es384,
      iss: EHR,
      aud: AUD,
      header: { jku: 'https://attacker.example.net/jwks.json' },
    });
    expect(await rejection(token)).toBe('jku');
    expect(jwks.hits()).toBe(before);
  });

  test('garbage instead of a JWT: format', async () => {
    expect(await rejection('not-a-jwt')).toBe('format');
  });
});

describe('JWKS endpoint failures', () => {
  test('a JWKS URL that does not answer gives a jwks rejection', async () => {
    const down = await startJwksServer([]);
    const url = down.url;
    await down.close();
    const config = loadConfig(authEnv([{ iss: EHR, jku: url }], { JWKS_TIMEOUT_MS: '500' }));
    const v = createJwtVerifier(config.security);
    const token = await signToken({ key: es384, iss: EHR, aud: AUD });
    await expect(v.verify(token, AUD)).rejects.toMatchObject({ check: 'jwks' });
  });
});
