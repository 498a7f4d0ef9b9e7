/**
 * Remembers each JWT `jti` until its token expires, so a captured token cannot be sent twice
 * (https://cds-hooks.hl7.org/2.0/#trusting-cds-clients: `jti` protects against replay).
 *
 * The memory is kept per issuer, each with its own quota: an issuer that fills its quota with live tokens is refused
 * (fails closed: a `jti` is never forgotten while its token lives) and every other issuer goes on unaffected. Issuers
 * are the configured clients (the check runs after the signature is verified), so the memory is bounded by
 * clients x quota. Two stores: this in-process one, and a Redis one shared by every replica (src/shared-state/).
 */
export type ReplayVerdict = 'fresh' | 'replayed' | 'full';

export interface ReplayStore {
  /**
   * Records `jti` of `iss` until `expiresAtMs`; says whether it was new, already seen, or could not be recorded because
   * that issuer's quota is full. A shared store that cannot be reached throws a 503 CdsError (never 'fresh').
   */
  check(iss: string, jti: string, expiresAtMs: number, nowMs: number): Promise<ReplayVerdict>;
}

/** The in-process store: one map per issuer, each of at most `perIssuerMax` live entries. */
export class MemoryReplayStore implements ReplayStore {
  private readonly issuers = new Map<string, Map<string, number>>();

  constructor(private readonly perIssuerMax: number) {}

  check(iss: string, jti: string, expiresAtMs: number, nowMs: number): Promise<ReplayVerdict> {
    return Promise.resolve(this.checkNow(iss, jti, expiresAtMs, nowMs));
  }

  /** Live entries remembered for `iss` (expired ones are dropped when the quota is reached). */
  size(iss: string): number {
    return this.issuers.get(iss)?.size ?? 0;
  }

  private checkNow(iss: string, jti: string, expiresAtMs: number, nowMs: number): ReplayVerdict {
    let seen = this.issuers.get(iss);
    if (seen === undefined) {
      seen = new Map();
      this.issuers.set(iss, seen);
    }
    const known = seen.get(jti);
    if (known !== undefined && known > nowMs) return 'replayed';
    if (known === undefined && seen.size >= this.perIssuerMax) {
      for (const [key, expiresAt] of seen) if (expiresAt <= nowMs) seen.delete(key);
      if (seen.size >= this.perIssuerMax) return 'full';
    }
    seen.set(jti, expiresAtMs);
    return 'fresh';
  }
}
