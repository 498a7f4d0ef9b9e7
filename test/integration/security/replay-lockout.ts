/**
 * The lock-out attack of issue 15 item 4 against any replay store (in process: replay-per-issuer.test.ts; Redis:
 * test/integration/shared-state/replay-redis.test.ts). Client A sends as many fresh tokens as its quota holds, then its
 * next token is refused; client B is accepted all along; A is accepted again once its tokens expire.
 */
import { loadConfig } from '../../../src/config.js';
import { createJwtVerifier, JwtRejected } from '../../../src/security/jwt-verify.js';
import type { ReplayStore } from '../../../src/security/replay-cache.js';
import { authEnv, makeKey, signToken, type TestKey } from './jwt-fixtures.js';

const AUD = 'https://cds.example.org/cds-services/sts-pathway-patient-view';
export const QUOTA = 10;
export const A = 'https://ehr-a.example.org';
export const B = 'https://ehr-b.example.org';

/** The lock-out attack against a verifier built on `store`; shared with the Redis store's test. */
export async function lockOutAttack(store: ReplayStore): Promise<void> {
  const [keyA, keyB] = await Promise.all([makeKey('ES384'), makeKey('ES384')]);
  const config = loadConfig(
    authEnv(
      [
        { iss: A, jwks: { keys: [keyA.publicJwk] } },
        { iss: B, jwks: { keys: [keyB.publicJwk] } },
      ],
      { JWT_REPLAY_CACHE_SIZE: String(QUOTA), JWT_CLOCK_SKEW_S: '0' },
    ),
  );
  let now = new Date();
  const verifier = createJwtVerifier(config.security, () => now, store);
  const nowS = (): number => Math.floor(now.getTime() / 1000);
  const token = (key: TestKey, iss: string): Promise<string> =>
    signToken({ key, iss, aud: AUD, now: nowS(), claims: { exp: nowS() + 60 } });

  // A fills its whole quota with live tokens.
  for (let i = 0; i < QUOTA; i++) await verifier.verify(await token(keyA, A), AUD);
  const refused = await verifier.verify(await token(keyA, A), AUD).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(JwtRejected);
  expect((refused as JwtRejected).check).toBe('jti');
  expect((refused as JwtRejected).message).toContain('this issuer has too many live tokens');

  // B is not affected: as many tokens as its own quota are accepted, and its replays are still caught.
  const tokensOfB: string[] = [];
  for (let i = 0; i < QUOTA; i++) {
    tokensOfB.push(await token(keyB, B));
    await expect(verifier.verify(tokensOfB[i] as string, AUD)).resolves.toMatchObject({ iss: B });
  }
  await expect(verifier.verify(tokensOfB[0] as string, AUD)).rejects.toMatchObject({ check: 'jti' });

  // A's entries expire with their tokens' exp: a minute later A is accepted again.
  now = new Date(now.getTime() + 61_000);
  await expect(verifier.verify(await token(keyA, A), AUD)).resolves.toMatchObject({ iss: A });
}
