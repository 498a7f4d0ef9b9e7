/**
 * Real FHIR servers for tests: the embedded server (Medplum router over HTTP) on a free loopback port, and a tiny
 * raw `node:http` server that misbehaves in one chosen way (the faults a data path must survive).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Bundle } from 'fhir/r4.js';
import { createFhirRouter, type EmbeddedFhir } from '../../src/embedded/index.js';

/** One request a test server received. */
export interface SeenRequest {
  readonly method: string;
  /** Path and query, e.g. `/fhir/Condition?patient=x`. */
  readonly url: string;
  readonly authorization?: string;
}

/** The embedded FHIR server on a loopback port, recording every request it receives. */
export interface TestFhirServer extends EmbeddedFhir {
  readonly url: string;
  readonly requests: SeenRequest[];
  /** POSTs a transaction Bundle over HTTP; throws unless every entry succeeded. */
  load(bundle: Bundle): Promise<void>;
  close(): Promise<void>;
}

/**
 * The embedded FHIR server for the enclosing `describe` (or the whole file): started in a `beforeAll`, closed in an
 * `afterAll`. The returned function gives the running server inside hooks and tests.
 */
export function useTestFhirServer(): () => TestFhirServer {
  let server: TestFhirServer | undefined;
  beforeAll(async () => {
    server = await startTestFhirServer();
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });
  return () => {
    if (!server) throw new Error('the test FHIR server starts in beforeAll: use it inside a hook or a test');
    return server;
  };
}

/** Starts the embedded FHIR server (call in `beforeAll`; `close()` in `afterAll`). */
export async function startTestFhirServer(): Promise<TestFhirServer> {
  // Tests load their patients over HTTP.
  const fhir = await createFhirRouter({ writable: true });
  const requests: SeenRequest[] = [];
  const app = express();
  app.use((req, _res, next) => {
    requests.push({ method: req.method, url: req.originalUrl, authorization: req.headers.authorization });
    next();
  });
  app.use('/fhir', fhir.router);
  const { server, base } = await listen(app);
  const url = `${base}/fhir`;
  return {
    ...fhir,
    url,
    requests,
    async load(bundle) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/fhir+json' },
        body: JSON.stringify(bundle),
      });
      const body = (await res.json()) as Bundle;
      const bad = (body.entry ?? []).filter((e) => !/^2/.test(e.response?.status ?? ''));
      if (res.status !== 200 || bad.length > 0)
        throw new Error(`load failed: HTTP ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
    },
    close: () => closeServer(server),
  };
}

/** How the faulty server misbehaves. */
export type Fault =
  | { readonly kind: 'stall' }
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'html' }
  | { readonly kind: 'next-loop' }
  | { readonly kind: 'endless-pages' }
  | { readonly kind: 'huge'; readonly bytes: number };

export interface FaultyFhirServer {
  /** Base URL, e.g. `http://127.0.0.1:4321/fhir`. */
  readonly url: string;
  readonly requests: SeenRequest[];
  close(): Promise<void>;
}

/**
 * A raw HTTP server that answers FHIR requests with `fault`. With `upstream`, only requests whose path matches
 * `affects` get the fault; the others are passed to the upstream FHIR server (a server failing one resource type).
 */
export async function startFaultyFhirServer(
  fault: Fault,
  opts: { upstream?: string; affects?: RegExp } = {},
): Promise<FaultyFhirServer> {
  const requests: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push({ method: req.method ?? 'GET', url: path, authorization: req.headers.authorization });
    const self = `http://${req.headers.host}${path}`;
    if (opts.upstream && !(opts.affects?.test(path) ?? true)) {
      void proxy(`${opts.upstream}${path.replace(/^\/fhir/, '')}`, req.headers.authorization, res);
      return;
    }
    answerWithFault(fault, self, req, res);
  });
  const { base } = await listen(server);
  return { url: `${base}/fhir`, requests, close: () => closeServer(server) };
}

/** A base URL on a loopback port nothing listens on (connection refused). */
export async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  const { base } = await listen(server);
  await closeServer(server);
  return `${base}/fhir`;
}

function answerWithFault(fault: Fault, self: string, req: http.IncomingMessage, res: http.ServerResponse): void {
  const json = (status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/fhir+json' }).end(JSON.stringify(body));
  };
  switch (fault.kind) {
    case 'stall':
      req.socket.setTimeout(0);
      return; // never answers; the client's timeout must end it
    case 'status':
      json(fault.status, {
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'exception', diagnostics: `fault ${fault.status}` }],
      });
      return;
    case 'html':
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><body>Login</body></html>');
      return;
    case 'next-loop':
      json(200, { resourceType: 'Bundle', type: 'searchset', link: [{ relation: 'next', url: self }], entry: [] });
      return;
    case 'endless-pages': {
      const u = new URL(self);
      u.searchParams.set('page', String(Number(u.searchParams.get('page') ?? 0) + 1));
      json(200, { resourceType: 'Bundle', type: 'searchset', link: [{ relation: 'next', url: u.href }], entry: [] });
      return;
    }
    case 'huge':
      streamHugeBundle(res, fault.bytes);
  }
}

/** Writes a syntactically endless Bundle of `bytes`, chunk by chunk, honouring backpressure and aborts. */
function streamHugeBundle(res: http.ServerResponse, bytes: number): void {
  res.writeHead(200, { 'content-type': 'application/fhir+json' });
  res.write('{"resourceType":"Bundle","type":"searchset","entry":[');
  const chunk = `${JSON.stringify({ resource: { resourceType: 'Observation', id: 'x', status: 'final', note: [{ text: 'x'.repeat(900) }] } })},`;
  let sent = 0;
  const pump = (): void => {
    while (sent < bytes && !res.destroyed) {
      sent += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end('{}]}');
  };
  pump();
}

async function proxy(url: string, authorization: string | undefined, res: http.ServerResponse): Promise<void> {
  const upstream = await fetch(url, { headers: authorization ? { authorization } : {} });
  res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/fhir+json' });
  res.end(await upstream.text());
}

async function listen(handler: http.Server | express.Express): Promise<{ server: http.Server; base: string }> {
  const server = handler instanceof http.Server ? handler : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, base: `http://127.0.0.1:${port}` };
}

function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
}
