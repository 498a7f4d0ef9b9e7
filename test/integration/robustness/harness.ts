/**
 * The whole app on a loopback port for the robustness suites, and the pass criterion every answer must meet:
 * 2xx with a valid CDS Hooks body (or `{}` for feedback), or 4xx with an OperationOutcome. Never 5xx, never a hang.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type AppDeps } from '../../../src/app.js';
import { createCqlEngine, type CqlEngine } from '../../../src/cql/engine.js';
import { cdsResponseErrors } from '../../helpers/cds-schema.js';

/** The fixed "now" of these suites (the demo patients' dates are relative to it). */
export const FUZZ_NOW = new Date('2026-11-23T12:00:00Z');

let sharedEngine: CqlEngine | undefined;
/** One CQL engine per test file: loading ELM and the model info costs ~0.5 s. */
export const engineOnce = (): CqlEngine => (sharedEngine ??= createCqlEngine());

export interface RunningApp {
  readonly base: string;
  close(): Promise<void>;
}

/** Serves `createApp(deps)` on 127.0.0.1 (real sockets, keep-alive) with the shared engine and a fixed clock. */
export async function serveApp(deps: Omit<AppDeps, 'engine' | 'clock'>): Promise<RunningApp> {
  const server = http.createServer(
    { keepAliveTimeout: 30_000 },
    createApp({ ...deps, engine: engineOnce(), clock: () => FUZZ_NOW }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** One generated request: a path under the app and a raw body text. */
export interface RawRequest {
  readonly path: string;
  readonly body: string;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

/** Sends `req`; a request that takes longer than `timeoutMs` rejects (a hang is a failure). */
export async function send(base: string, req: RawRequest, timeoutMs = 10_000): Promise<Answer> {
  const res = await fetch(`${base}${req.path}`, {
    method: 'POST',
    headers: { 'content-type': req.contentType ?? 'application/json', ...req.headers },
    body: req.body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
}

/** Why `answer` breaks the pass criterion for a request to `path`, or undefined when it meets it. */
export function answerProblem(path: string, answer: Answer): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return `HTTP ${answer.status} with a body that is not JSON: ${answer.text.slice(0, 200)}`;
  }
  if (answer.status >= 200 && answer.status < 300) {
    if (path.endsWith('/feedback'))
      return JSON.stringify(body) === '{}' ? undefined : `feedback answered ${answer.text.slice(0, 200)}`;
    const errors = cdsResponseErrors(body);
    return errors.length === 0
      ? undefined
      : `HTTP ${answer.status} with an invalid cards body: ${errors.slice(0, 5).join('; ')}`;
  }
  if (answer.status >= 400 && answer.status < 500) {
    const ok =
      typeof body === 'object' &&
      body !== null &&
      Reflect.get(body, 'resourceType') === 'OperationOutcome' &&
      Array.isArray(Reflect.get(body, 'issue')) &&
      /application\/fhir\+json/.test(answer.contentType);
    return ok ? undefined : `HTTP ${answer.status} without an OperationOutcome: ${answer.text.slice(0, 200)}`;
  }
  return `HTTP ${answer.status}: ${answer.text.slice(0, 300)}`;
}

/** Keys a prototype-pollution payload sets; none may appear on Object.prototype after a run. */
export const POLLUTION_MARKERS = ['polluted', 'isAdmin', 'fuzzPolluted'] as const;

/** The markers found on the shared prototypes (empty when nothing was polluted). */
export function pollutionFound(): string[] {
  const found: string[] = [];
  for (const proto of [Object.prototype, Array.prototype, Function.prototype]) {
    for (const key of POLLUTION_MARKERS) if (key in proto) found.push(`${proto.constructor.name}.prototype.${key}`);
  }
  if (Object.keys(Object.prototype).length > 0)
    found.push(`Object.prototype keys: ${Object.keys(Object.prototype).join(',')}`);
  return found;
}
