/**
 * Remembers each JWT `jti` until its token expires, so a captured token cannot be sent twice
 * (https://cds-hooks.hl7.org/2.0/#trusting-cds-clients: `jti` protects against replay).
 * Bounded: when full of live entries it refuses new ones (fails closed) rather than forget one that could be replayed.
 */
export type ReplayVerdict = 'fresh' | 'replayed' | 'full';

export class ReplayCache {
  private readonly seen = new Map<string, number>();

  constructor(private readonly maxEntries: number) {}

  /** Records `key` until `expiresAtMs`; says whether it was new, already seen, or could not be recorded. */
  check(key: string, expiresAtMs: number, nowMs: number): ReplayVerdict {
    const known = this.seen.get(key);
    if (known !== undefined && known > nowMs) return 'replayed';
    if (known === undefined && this.seen.size >= this.maxEntries) {
      this.prune(nowMs);
      if (this.seen.size >= this.maxEntries) return 'full';
    }
    this.seen.set(key, expiresAtMs);
    return 'fresh';
  }

  get size(): number {
    return this.seen.size;
  }

  private prune(nowMs: number): void {
    for (const [key, expiresAt] of this.seen) if (expiresAt <= nowMs) this.seen.delete(key);
  }
}
