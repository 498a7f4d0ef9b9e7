import type { Response } from 'express';
import type { CdsClientConfig } from './config.js';

/** A CDS client whose JWT passed every check, as `requireCdsClient` leaves it on `res.locals.cdsClient`. */
export interface VerifiedClient {
  readonly iss: string;
  readonly config: CdsClientConfig;
  readonly jti: string;
  /** The token's `exp` (seconds since the epoch). */
  readonly exp: number;
  readonly sub?: string;
  /** The optional CDS Hooks `tenant` claim. */
  readonly tenant?: string;
}

const isVerifiedClient = (v: unknown): v is VerifiedClient =>
  typeof v === 'object' && v !== null && 'iss' in v && typeof v.iss === 'string' && 'config' in v && 'jti' in v;

/** The verified client of this request, or undefined when auth is disabled. */
export function verifiedClientOf(res: Response): VerifiedClient | undefined {
  const v: unknown = res.locals.cdsClient;
  return isVerifiedClient(v) ? v : undefined;
}
