/**
 * Keyed pseudonyms: a patient (or user) is stored as HMAC-SHA256(key, fhirServer + id), so repeat visits can be
 * counted while the stored value cannot be turned back into the id without the key.
 */
import { createHmac, createSecretKey } from 'node:crypto';

export type Pseudonymize = (fhirServer: string | undefined, id: unknown) => string | undefined;

/** A pseudonymizer with this key; undefined for a missing or non-string id. */
export function pseudonymizer(key: Buffer): Pseudonymize {
  // One KeyObject for every call: importing the raw key on each HMAC was ~1 % of a cold patient-view's CPU (profile of
  // `npm run bench` scenario 1, bench/profile.md).
  const secret = createSecretKey(key);
  return (fhirServer, id) => {
    if (typeof id !== 'string' || id === '') return undefined;
    // The separator keeps ("a", "bc") and ("ab", "c") apart.
    return createHmac('sha256', secret)
      .update(`${fhirServer ?? ''}\u0000${id}`)
      .digest('hex')
      .slice(0, 32);
  };
}
