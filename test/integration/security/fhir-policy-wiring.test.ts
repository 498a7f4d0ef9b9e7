/**
 * The SSRF policy on the data path, through the whole app: a refused `fhirServer` is a 403 before any connection,
 * allowed servers are read, and the connection itself goes through the guarded lookup (checked at connect time).
 */
import http from 'node:http';
import net from 'node:net';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import { loadConfig, type Config } from '../../../src/config.js';
import { createLogger } from '../../../src/log.js';
import { createCqlEngine, type CqlEngine } from '../../../src/cql/engine.js';
import { CdsError, errorCodeOf, forbidden } from '../../../src/errors.js';
import { fhirGet } from '../../../src/fhir/outbound.js';
import type { AddressPolicy } from '../../../src/security/index.js';
import { startTestFhirServer, type TestFhirServer } from '../../helpers/fhir-server.js';
import { dataPathPatient, type DataPathPatient } from '../../fixtures/fhir/data-path-patient.js';
import { makeKey, signToken, type TestKey } from './jwt-fixtures.js';
import { issueOf } from '../../helpers/responses.js';

const SERVICE = '/cds-services/sts-pathway-patient-view';
const BASE = 'https://cds.example.org';
const TOKEN = 'policy-wiring-access-token';

let fhir: TestFhirServer;
let p: DataPathPatient;
let key: TestKey;
let engine: CqlEngine;

// A FHIR-ish server on loopback that counts the TCP connections it accepts.
let counting: http.Server;
let countingUrl = '';
let connections = 0;

// Every outbound connect call of this process (to anything but the app's own listening port).
// Kept to restore, and called through Reflect.apply with the socket as `this`.
// eslint-disable-next-line @typescript-eslint/unbound-method
const realConnect = net.Socket.prototype.connect;
const connectTargets: string[] = [];

beforeAll(async () => {
  fhir = await startTestFhirServer();
  p = dataPathPatient();
  await fhir.load(p.transaction);
  key = await makeKey('ES384');
  engine = createCqlEngine();
  counting = http.createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/fhir+json' }).end('{"resourceType":"Bundle","type":"searchset"}'),
  );
  counting.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => counting.listen(0, '127.0.0.1', resolve));
  countingUrl = `http://127.0.0.1:${(counting.address() as net.AddressInfo).port}/fhir`;
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    connectTargets.push(describeConnect(args));
    return Reflect.apply(realConnect, this, args) as net.Socket;
  };
});

afterAll(async () => {
  net.Socket.prototype.connect = realConnect;
  counting.closeAllConnections();
  await new Promise<void>((resolve) => counting.close(() => resolve()));
  await fhir.close();
});

beforeEach(() => {
  connections = 0;
  connectTargets.length = 0;
});

/** `host:port` of a connect call (Node passes normalized `[options, cb]` arrays or `(options|port, ...)`). */
function describeConnect(args: readonly unknown[]): string {
  const first: unknown = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  if (typeof first === 'object' && first !== null) {
    const host: unknown = Reflect.get(first, 'host');
    const port: unknown = Reflect.get(first, 'port');
    return `${typeof host === 'string' ? host : 'localhost'}:${String(port)}`;
  }
  return `${typeof args[1] === 'string' ? args[1] : 'localhost'}:${String(first)}`;
}

/** The app on a loopback port, so its own inbound connections can be told apart from outbound ones. */
async function serve(config: Config): Promise<{ server: http.Server; port: number; close(): Promise<void> }> {
  const server = http.createServer(createApp({ config, log: createLogger('silent'), engine }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    server,
    port,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const outbound = (appPort: number): string[] => connectTargets.filter((t) => !t.endsWith(`:${appPort}`));

const hookBody = (fhirServer: string) => ({
  hook: 'patient-view',
  hookInstance: 'c1a7c0de-0000-4000-8000-000000000007',
  fhirServer,
  fhirAuthorization: {
    access_token: TOKEN,
    token_type: 'Bearer',
    expires_in: 300,
    scope: 'patient/*.read',
    subject: 'cds',
  },
  context: { userId: 'Practitioner/1', patientId: p.patientId },
});

function expectForbidden(res: request.Response, why: RegExp): void {
  expect(res.status).toBe(403);
  expect(res.headers['content-type']).toMatch(/application\/fhir\+json/);
  expect(res.body).toEqual(forbidden(issueOf(res)?.diagnostics ?? ''));
  expect(issueOf(res)?.diagnostics).toMatch(why);
}

describe('development mode (auth disabled): only loopback FHIR servers', () => {
  const devConfig = (): Config =>
    loadConfig({ STS_MODE: 'development', LOG_LEVEL: 'silent', EMBEDDED_FHIR: 'false', FHIR_TIMEOUT_MS: '1000' });

  test.each([
    ['a private address', 'http://10.1.2.3/fhir', /private address.*only loopback/],
    ['the cloud metadata address', 'http://169.254.169.254/latest', /metadata address/],
    ['the metadata address in IPv4-mapped IPv6 form', 'http://[::ffff:a9fe:a9fe]/fhir', /metadata address/],
    ['a metadata host name', 'http://metadata.google.internal/computeMetadata', /cloud metadata host/],
    ['a public address', 'https://93.184.216.34/fhir', /public address.*only loopback/],
  ])('%s is a 403 OperationOutcome and no connection is attempted', async (_what, fhirServer, why) => {
    const app = await serve(devConfig());
    try {
      const res = await request(app.server).post(SERVICE).send(hookBody(fhirServer));
      expectForbidden(res, why);
      expect(outbound(app.port)).toEqual([]);
    } finally {
      await app.close();
    }
  });

  test('the loopback FHIR server is read, by IP literal and by the name localhost', async () => {
    const app = await serve(devConfig());
    try {
      for (const fhirServer of [fhir.url, fhir.url.replace('127.0.0.1', 'localhost')]) {
        const before = fhir.requests.length;
        const res = await request(app.server).post(SERVICE).send(hookBody(fhirServer));
        expect(res.status).toBe(200);
        expect(fhir.requests.length - before).toBeGreaterThanOrEqual(7);
      }
    } finally {
      await app.close();
    }
  });
});

describe("production mode: the verified client's allow-list", () => {
  const EHR = 'https://ehr.example.org';
  const OTHER = 'https://other-ehr.example.org';
  let config: Config;
  beforeAll(() => {
    const jwks = { keys: [key.publicJwk] };
    config = loadConfig({
      STS_MODE: 'production',
      LOG_LEVEL: 'silent',
      PUBLIC_BASE_URL: BASE,
      PSEUDONYM_KEY: 'k'.repeat(40),
      FHIR_TIMEOUT_MS: '1000',
      CDS_CLIENTS: JSON.stringify([
        // An on-premises EHR whose FHIR server is on this host.
        { iss: EHR, jwks, fhirServers: [fhir.url], allowPrivateNetwork: true },
        // Lists a loopback server but may not reach private or loopback addresses.
        { iss: OTHER, jwks, fhirServers: [countingUrl, countingUrl.replace('127.0.0.1', 'localhost')] },
      ]),
    });
  });
  const bearer = async (iss: string): Promise<string> =>
    `Bearer ${await signToken({ key, iss, aud: `${BASE}${SERVICE}` })}`;

  test("a server on the client's list is read with the client's access token", async () => {
    const app = await serve(config);
    try {
      const before = fhir.requests.length;
      const res = await request(app.server)
        .post(SERVICE)
        .set('authorization', await bearer(EHR))
        .send(hookBody(fhir.url));
      expect(res.status).toBe(200);
      const seen = fhir.requests.slice(before);
      expect(seen.length).toBeGreaterThanOrEqual(7);
      expect(seen.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    } finally {
      await app.close();
    }
  });

  test("a server not on the client's list is a 403 and is never contacted", async () => {
    const app = await serve(config);
    try {
      const res = await request(app.server)
        .post(SERVICE)
        .set('authorization', await bearer(EHR))
        .send(hookBody(countingUrl));
      expectForbidden(res, /not one of the FHIR servers allowed for client https:\/\/ehr\.example\.org/);
      expect(connections).toBe(0);
      expect(outbound(app.port)).toEqual([]);
    } finally {
      await app.close();
    }
  });

  test.each([
    ['an IP literal', (): string => countingUrl],
    ['a name resolving to loopback', (): string => countingUrl.replace('127.0.0.1', 'localhost')],
  ])(
    'a listed loopback server is a 403 without allowPrivateNetwork (%s), with zero connections',
    async (_what, url) => {
      const app = await serve(config);
      try {
        const res = await request(app.server)
          .post(SERVICE)
          .set('authorization', await bearer(OTHER))
          .send(hookBody(url()));
        expectForbidden(res, /loopback address, not allowed for client https:\/\/other-ehr\.example\.org/);
        expect(connections).toBe(0);
      } finally {
        await app.close();
      }
    },
  );
});

describe('fhirGet: the connection itself is guarded', () => {
  const publicOnly: AddressPolicy = { allow: new Set(['public']), label: 'test client' };
  const get = (baseUrl: string, policy: AddressPolicy) =>
    fhirGet({
      baseUrl,
      url: 'metadata',
      timeoutMs: 1000,
      deadline: AbortSignal.timeout(2000),
      maxBytes: 100_000,
      policy,
    });

  test('a name that resolves to a refused address at connect time is refused before any TCP connection', async () => {
    // What DNS rebinding looks like from here: the host passes no check in this call, only the connect-time lookup.
    const err: unknown = await get(countingUrl.replace('127.0.0.1', 'localhost'), publicOnly).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CdsError);
    expect(err instanceof CdsError && errorCodeOf(err.outcome)).toBe('forbidden');
    expect(err instanceof Error && err.message).toMatch(/localhost resolves to a loopback address/);
    expect(connections).toBe(0);
  });

  test('an IP-literal host outside the policy is refused (Node skips the lookup for literals)', async () => {
    const err: unknown = await get(countingUrl, publicOnly).catch((e: unknown) => e);
    expect(err instanceof CdsError && errorCodeOf(err.outcome)).toBe('forbidden');
    expect(connections).toBe(0);
  });

  test('the same name under a policy that allows loopback connects and answers', async () => {
    const body = await get(countingUrl.replace('127.0.0.1', 'localhost'), {
      allow: new Set(['loopback']),
      label: 'dev',
    });
    expect(body).toMatchObject({ resourceType: 'Bundle' });
    expect(connections).toBe(1);
  });
});
