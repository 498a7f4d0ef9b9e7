import express, { Router, type Request } from 'express';
import { getStatus, isOperationOutcome, normalizeOperationOutcome, isResourceType } from '@medplum/core';
import { FhirRouter, type HttpMethod, type MemoryRepository } from '@medplum/fhir-router';
import type { Bundle, OperationOutcome } from 'fhir/r4.js';
import { isRecord } from '../shared/guards.js';
import { indexFhirDefinitions } from './definitions.js';
import { buildCapabilityStatement } from './capability.js';
import { PatientIndexedRepository } from './indexed-repository.js';
import { addPagingLinks, rewritePatientSearch } from './search-query.js';
import { invalidWrite } from './validate.js';

/** One FHIR interaction's answer, before it goes on the wire. */
export interface FhirAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

/** The embedded FHIR R4 server: an Express router for HTTP and an in-process entry for loading data. */
export interface EmbeddedFhir {
  /** Mount at `/fhir` (or anywhere): answers FHIR REST in `application/fhir+json`. */
  readonly router: Router;
  readonly repo: MemoryRepository;
  /** Runs one interaction in process (no HTTP), e.g. `handle('POST', '', transactionBundle)`. */
  handle(method: HttpMethod, pathAndQuery: string, body?: unknown, baseUrl?: string): Promise<FhirAnswer>;
}

const METHODS: ReadonlySet<string> = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
const FHIR_JSON = 'application/fhir+json';
/** Transactions of the demo patients run to a few MB; the service's own body limit does not apply here. */
const BODY_LIMIT = '50mb';

/** How the embedded server answers over HTTP. */
export interface FhirRouterOptions {
  /**
   * Accept writes (create, update, delete, transactions) over HTTP. Default false: read-only, so no web page can replace
   * the demo data (EMBEDDED_FHIR_WRITABLE). `handle()` in process (the demo loader) writes either way.
   */
  readonly writable?: boolean;
}

/** Builds the embedded FHIR server (Medplum FhirRouter + MemoryRepository, indexed by patient) as an Express router. */
export async function createFhirRouter(options: FhirRouterOptions = {}): Promise<EmbeddedFhir> {
  const resourceTypes = indexFhirDefinitions();
  const fhirRouter = new FhirRouter();
  // Patient-scoped searches read an index (indexed-repository.ts); everything else is Medplum's MemoryRepository.
  const repo = new PatientIndexedRepository();

  async function handle(method: HttpMethod, pathAndQuery: string, body?: unknown, baseUrl = ''): Promise<FhirAnswer> {
    const [rawPath = '', rawQuery = ''] = splitOnce(pathAndQuery.replace(/^\/+/, ''), '?');
    const path = rawPath.replace(/\/+$/, '');
    if (method === 'GET' && path === 'metadata') {
      return answer(200, buildCapabilityStatement(resourceTypes, baseUrl));
    }
    if (method === 'POST' || method === 'PUT') {
      const invalid = invalidWrite(body);
      if (invalid) return answer(400, invalid);
    }
    const params = new URLSearchParams(rawQuery);
    const isSearch = method === 'GET' && isResourceType(path);
    const query = (isSearch ? rewritePatientSearch(path, params) : params).toString();
    const url = query ? `${path}?${query}` : path;
    let result;
    try {
      result = await fhirRouter.handleRequest({ method, url, pathname: '', body, params: {}, query: {} }, repo);
    } catch (err) {
      const outcome = normalizeOperationOutcome(err);
      return answer(getStatus(outcome), outcome);
    }
    const [outcome, resource] = result;
    const status = getStatus(outcome);
    if (!resource) return answer(status, outcome);
    const headers: Record<string, string> = {};
    if (isRecord(resource.meta) && typeof resource.meta.versionId === 'string') {
      headers.ETag = `W/"${resource.meta.versionId}"`;
      if (status === 201 && resource.id) {
        headers.Location = `${baseUrl}/${resource.resourceType}/${resource.id}/_history/${resource.meta.versionId}`;
      }
    }
    if (isSearch && isSearchset(resource)) {
      return answer(status, addPagingLinks(withFullUrls(resource, baseUrl), `${baseUrl}/${path}`, params), headers);
    }
    return answer(status, resource, headers);
  }

  const router = Router();
  router.use(express.json({ limit: BODY_LIMIT, type: ['application/json', 'application/*+json'] }));
  // FHIR search by POST (the CDS Hooks sandbox prefetches this way): the form body is the query, read as it is.
  router.use(express.text({ limit: '1mb', type: 'application/x-www-form-urlencoded' }));
  router.use(async (req, res) => {
    const method = req.method.toUpperCase();
    const base = `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}`;
    const search = searchOf(method, req);
    let result: FhirAnswer;
    if (search !== undefined) result = await handle('GET', search, undefined, base);
    else if (!METHODS.has(method))
      result = answer(405, errorOutcome('not-supported', `Method ${method.slice(0, 10)} is not supported`));
    else if (method !== 'GET' && options.writable !== true) {
      result = answer(
        405,
        errorOutcome(
          'not-supported',
          'The embedded FHIR server is read-only (EMBEDDED_FHIR_WRITABLE=true opens it to writes)',
        ),
      );
    } else result = await handle(toHttpMethod(method), pathAndQueryOf(req), req.body, base);
    res.status(result.status).set(result.headers).type(FHIR_JSON).send(JSON.stringify(result.body));
  });
  // A malformed body reaches here: answer an OperationOutcome, as FHIR clients expect.
  router.use((err: unknown, _req: Request, res: express.Response, _next: express.NextFunction) => {
    const tooLarge = isRecord(err) && err.type === 'entity.too.large';
    const outcome = errorOutcome(
      tooLarge ? 'too-costly' : 'structure',
      tooLarge ? 'Body too large' : 'Body is not valid JSON',
    );
    res
      .status(tooLarge ? 413 : 400)
      .type(FHIR_JSON)
      .send(JSON.stringify(outcome));
  });
  return { router, repo, handle };
}

function answer(status: number, body: unknown, headers: Record<string, string> = {}): FhirAnswer {
  return { status, body, headers };
}

function errorOutcome(code: 'not-supported' | 'too-costly' | 'structure', diagnostics: string): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics }] };
}

/**
 * `{type}/_search` by GET or by form-encoded POST as the same search by GET: `type?<query and form parameters>`
 * (FHIR R4 3.1.0.1.1: both give the same result). Undefined for anything else.
 */
function searchOf(method: string, req: Request): string | undefined {
  const type = /^\/([A-Za-z]+)\/_search\/?$/.exec(req.path)?.[1];
  if (type === undefined || !isResourceType(type) || (method !== 'GET' && method !== 'POST')) return undefined;
  const q = req.originalUrl.indexOf('?');
  const params = new URLSearchParams(q < 0 ? '' : req.originalUrl.slice(q + 1));
  if (method === 'POST' && typeof req.body === 'string')
    for (const [k, v] of new URLSearchParams(req.body)) params.append(k, v);
  const query = params.toString();
  return query ? `${type}?${query}` : type;
}

function pathAndQueryOf(req: Request): string {
  const q = req.originalUrl.indexOf('?');
  return q < 0 ? req.path : `${req.path}${req.originalUrl.slice(q)}`;
}

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}

function toHttpMethod(m: string): HttpMethod {
  switch (m) {
    case 'POST':
    case 'PUT':
    case 'PATCH':
    case 'DELETE':
      return m;
    default:
      return 'GET';
  }
}

function isSearchset(r: unknown): r is Bundle {
  return isRecord(r) && r.resourceType === 'Bundle' && r.type === 'searchset' && !isOperationOutcome(r);
}

function withFullUrls(bundle: Bundle, baseUrl: string): Bundle {
  if (!baseUrl || !bundle.entry) return bundle;
  return {
    ...bundle,
    entry: bundle.entry.map((e) =>
      e.resource?.id ? { fullUrl: `${baseUrl}/${e.resource.resourceType}/${e.resource.id}`, ...e } : e,
    ),
  };
}
