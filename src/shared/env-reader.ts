/**
 * What each folder's config module (src/security/config.ts, src/adherence/config.ts, ...) reads the environment with:
 * src/config.ts passes its own reader, so every problem lands in one list and the service fails with all of them.
 */

/** The shortest bearer token the service accepts for its admin endpoints (/adherence, /metrics): `openssl rand -hex 24` makes 48. */
export const MIN_BEARER_TOKEN = 16;

/** STS_MODE: development (embedded FHIR server, no JWTs, loopback only) or production. */
export type Mode = 'development' | 'production';

/** The part of the config reader a folder's config module needs. */
export interface EnvReader {
  readonly problems: string[];
  optionalString(name: string): string | undefined;
  int(name: string, fallback: number, min: number, max: number): number;
  bool(name: string, fallback: boolean): boolean;
  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T;
}
