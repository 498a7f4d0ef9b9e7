/**
 * Keyed pseudonyms: a patient (or user) is stored as HMAC-SHA256(key, fhirServer + id), so repeat visits can be
 * counted while the stored value cannot be turned back into the id without the key.
 */
import { createHmac, createSecretKey } from 'node:crypto';
import { createLru } from '../shared/lru.js';

export type Pseudonymize = (fhirServer: string | undefined, id: unknown) => string | undefined;

/**
 * Pseudonyms remembered per process. Every hook response names a patient and a user, and a clinic's day repeats both;
 * an HMAC was the largest part of the adherence store's cost on the hook path (two per response, 11-16 us of CPU each
 * in the service: bench/profile.md, twelfth and thirteenth passes). 10,000 entries of ~0.3 KB: a few MB at most.
 */
const REMEMBERED = 10_000;

/** A pseudonymizer with this key; undefined for a missing or non-string id. */
export function pseudonymizer(key: Buffer): Pseudonymize {
  // One KeyObject for every call: importing the raw key on each HMAC was ~1 % of a cold patient-view's CPU (profile of
  // `npm run bench` scenario 1, bench/profile.md).
  const secret = createSecretKey(key);
  const remembered = createLru<string, string>(REMEMBERED);
  return (fhirServer, id) => {
    if (typeof id !== 'string' || id === '') return undefined;
    // The separator keeps ("a", "bc") and ("ab", "c") apart.
    const input = `${fhirServer ?? ''}\u0000${id}`;
    const known = remembered.get(input);
    if (known !== undefined) return known;
    const pseudonym = createHmac('sha256', secret).update(input).digest('hex').slice(0, 32);
    remembered.set(input, pseudonym);
    return pseudonym;
  };
}
