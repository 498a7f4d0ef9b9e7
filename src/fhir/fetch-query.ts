import type { FhirResource } from 'fhir/r4.js';
import type { AddressPolicy } from '../security/index.js';
import { fhirGet } from './outbound.js';
import { FhirFetchError } from './fetch-error.js';
import { isBundle, isFhirResource, resourcesOf } from './bundle.js';

/** Bounds on one query (from Config). */
export interface QueryLimits {
  readonly fhirTimeoutMs: number;
  readonly fhirMaxPages: number;
  readonly fhirMaxResponseBytes: number;
  readonly maxBundleEntries: number;
}

/** Where and as whom to ask. */
export interface FhirTarget {
  readonly baseUrl: string;
  readonly token?: string;
  /** The addresses connections may reach (`addressPolicyFor` the request's client). */
  readonly policy: AddressPolicy;
}

/**
 * Runs one filled prefetch query against the FHIR server: a read returns the resource, a search every page's
 * resources, following Bundle `next` links on the same server up to `fhirMaxPages`. Rejects with a FhirFetchError.
 */
export async function fetchQuery(
  target: FhirTarget,
  query: string,
  expectedType: string,
  limits: QueryLimits,
  deadline: AbortSignal,
): Promise<FhirResource[]> {
  const get = (url: string): Promise<unknown> =>
    fhirGet({
      baseUrl: target.baseUrl,
      url,
      token: target.token,
      policy: target.policy,
      timeoutMs: limits.fhirTimeoutMs,
      deadline,
      maxBytes: limits.fhirMaxResponseBytes,
    });
  const base = target.baseUrl.endsWith('/') ? target.baseUrl : `${target.baseUrl}/`;
  const first = new URL(query, base).href;
  const body = await get(first);
  if (!query.includes('?')) {
    if (!isFhirResource(body) || body.resourceType !== expectedType) {
      throw new FhirFetchError('not-fhir', `answer is not a ${expectedType} resource (${describe(body)})`);
    }
    return [body];
  }
  const resources: FhirResource[] = [];
  const visited = new Set<string>([first]);
  let page: unknown = body;
  for (let pages = 1; ; pages++) {
    if (!isBundle(page)) throw new FhirFetchError('not-fhir', `answer is not a Bundle (${describe(page)})`);
    resources.push(...resourcesOf(page));
    if (resources.length > limits.maxBundleEntries) {
      throw new FhirFetchError('too-many-entries', `more than ${limits.maxBundleEntries} entries`);
    }
    const next = page.link?.find((l) => l.relation === 'next')?.url;
    if (!next) return resources;
    const nextUrl = URL.canParse(next, base) ? new URL(next, base) : undefined;
    // Follow only links on the same server: a `next` link elsewhere would send the token (and the service) there.
    if (!nextUrl || !isOnServer(nextUrl, base)) {
      throw new FhirFetchError('foreign-link', 'Bundle next link points outside the FHIR server');
    }
    if (visited.has(nextUrl.href)) throw new FhirFetchError('next-link-loop', 'Bundle next links loop back to a page already read');
    if (pages >= limits.fhirMaxPages) throw new FhirFetchError('too-many-pages', `more than ${limits.fhirMaxPages} pages`);
    visited.add(nextUrl.href);
    page = await get(nextUrl.href);
  }
}

/** True for URLs under the base (HAPI pages as `<base>?_getpages=...`, so the bare base counts too). */
function isOnServer(url: URL, base: string): boolean {
  const b = new URL(base);
  return url.origin === b.origin && (url.pathname === b.pathname.replace(/\/$/, '') || url.pathname.startsWith(b.pathname));
}

function describe(v: unknown): string {
  return isFhirResource(v) ? `got ${v.resourceType.slice(0, 40)}` : 'not a FHIR resource';
}
