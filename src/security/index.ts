/** CDS client trust (JWT) and outbound FHIR safety (SSRF): the public surface of src/security. */
export { loadSecurityConfig, type SecurityConfig, type CdsClientConfig, type AuthMode } from './config.js';
export { requireCdsClient } from './require-cds-client.js';
export { createJwtVerifier, JwtRejected, ALLOWED_ALGORITHMS, type JwtVerifier, type JwtCheck } from './jwt-verify.js';
export { verifiedClientOf, type VerifiedClient } from './verified-client.js';
export {
  checkFhirServer,
  addressPolicyFor,
  addressRefusal,
  createGuardedLookup,
  createGuardedAgents,
  systemResolver,
  type Resolver,
  type FhirServerCheckDeps,
} from './fhir-server-policy.js';
export { classifyAddress, type AddressClass, type AddressPolicy } from './address-policy.js';
