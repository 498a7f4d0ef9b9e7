/**
 * Keyed pseudonyms: a patient (or user) is stored as HMAC-SHA256(key, fhirServer + id), so repeat visits can be
 * counted while the stored value cannot be turned back into the id without the key.
 */
import { createHmac } from 'node:crypto';

export type Pseudonymize = (fhirServer: string | undefined, id: unknown) => string | undefined;

/** A pseudonymizer with this key; undefined for a missing or non-string id. */
export function pseudonymizer(key: Buffer): Pseudonymize {
  return (fhirServer, id) => {
    if (typeof id !== 'string' || id === '') return undefined;
    // The separator keeps ("a", "bc") and ("ab", "c") apart.
    return createHmac('sha256', key).update(`${fhirServer ?? ''}\u0000${id}`).digest('hex').slice(0, 32);
  };
}
