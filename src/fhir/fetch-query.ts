import type { AddressPolicy } from '../security/index.js';
import { fhirGet } from './outbound.js';
import { FhirFetchError } from './fetch-error.js';
import { isBundle, isFhirResource, readBundle, type ReadBundle } from './bundle.js';

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
 * Runs one filled prefetch query against the FHIR server: a read returns the resource, a search every page, following
 * Bundle `next` links on the same server up to `fhirMaxPages` pages. Rejects with a FhirFetchError.
 */
export async function fetchQuery(
  target: FhirTarget,
  query: string,
  expectedType: string,
  limits: QueryLimits,
  deadline: AbortSignal,
): Promise<ReadBundle[]> {
  const base = baseOf(target);
  const first = new URL(query, base);
  // Ids are checked against the FHIR id grammar before a query is filled; this also refuses what the URL API resolves
  // out of the server's path (a dot segment), so a query never reaches another endpoint with the token.
  if (!isOnServer(first, base) || !first.pathname.endsWith(`/${query.split('?')[0] ?? ''}`)) {
    throw new FhirFetchError('unfillable-template', 'the filled query does not resolve under fhirServer');
  }
  const body = await getPage(target, first.href, limits, deadline);
  if (!query.includes('?')) {
    if (!isFhirResource(body) || body.resourceType !== expectedType) {
      throw new FhirFetchError('not-fhir', `answer is not a ${expectedType} resource (${describe(body)})`);
    }
    return [readBundle(body)];
  }
  return followPages(target, asPage(body), limits, deadline, new Set([first.href]));
}

/**
 * Every page from `first` on: `first` (already read: a fetched page or a prefetch Bundle) and the pages its `next`
 * links lead to, on the same server, `fhirMaxPages` pages in all (`first` included).
 */
export async function followPages(
  target: FhirTarget,
  first: ReadBundle,
  limits: QueryLimits,
  deadline: AbortSignal,
  visited: Set<string> = new Set(),
): Promise<ReadBundle[]> {
  const base = baseOf(target);
  const pages = [first];
  let entries = first.resources.length;
  for (let page = first; page.next !== undefined;) {
    const nextUrl = URL.canParse(page.next, base) ? new URL(page.next, base) : undefined;
    // Follow only links on the same server: a `next` link elsewhere would send the token (and the service) there.
    if (!nextUrl || !isOnServer(nextUrl, base)) {
      throw new FhirFetchError('foreign-link', 'Bundle next link points outside the FHIR server');
    }
    if (visited.has(nextUrl.href))
      throw new FhirFetchError('next-link-loop', 'Bundle next links loop back to a page already read');
    if (pages.length >= limits.fhirMaxPages)
      throw new FhirFetchError('too-many-pages', `more than ${limits.fhirMaxPages} pages`);
    visited.add(nextUrl.href);
    page = asPage(
      await getPage(target, nextUrl.href, { ...limits, maxBundleEntries: limits.maxBundleEntries - entries }, deadline),
    );
    entries += page.resources.length;
    if (entries > limits.maxBundleEntries)
      throw new FhirFetchError('too-many-entries', `more than ${limits.maxBundleEntries} entries`);
    pages.push(page);
  }
  return pages;
}

function getPage(target: FhirTarget, url: string, limits: QueryLimits, deadline: AbortSignal): Promise<unknown> {
  return fhirGet({
    baseUrl: target.baseUrl,
    url,
    token: target.token,
    policy: target.policy,
    timeoutMs: limits.fhirTimeoutMs,
    deadline,
    maxBytes: limits.fhirMaxResponseBytes,
    maxEntries: limits.maxBundleEntries,
  });
}

/** A searchset page, or a FhirFetchError: a Bundle whose `entry` is not a list says nothing of the data. */
function asPage(body: unknown): ReadBundle {
  if (!isBundle(body)) throw new FhirFetchError('not-fhir', `answer is not a Bundle (${describe(body)})`);
  const entries: unknown = body.entry;
  if (entries !== undefined && !Array.isArray(entries))
    throw new FhirFetchError('not-fhir', 'answer is a Bundle whose entry is not a list');
  return readBundle(body);
}

function baseOf(target: FhirTarget): string {
  return target.baseUrl.endsWith('/') ? target.baseUrl : `${target.baseUrl}/`;
}

/** True for URLs under the base (HAPI pages as `<base>?_getpages=...`, so the bare base counts too). */
export function isOnServer(url: URL, base: string): boolean {
  const b = new URL(base);
  return (
    url.origin === b.origin && (url.pathname === b.pathname.replace(/\/$/, '') || url.pathname.startsWith(b.pathname))
  );
}

function describe(v: unknown): string {
  return isFhirResource(v) ? `got ${v.resourceType.slice(0, 40)}` : 'not a FHIR resource';
}
