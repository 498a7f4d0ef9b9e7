import http from 'node:http';
import net from 'node:net';
import type { LookupAddress } from 'node:dns';
import { CdsError, errorCodeOf } from '../../../src/errors.js';
import type { AddressPolicy, OpenableClass } from '../../../src/security/address-policy.js';
import {
  checkFhirServer,
  createGuardedAgents,
  createGuardedLookup,
  type Resolver,
} from '../../../src/security/fhir-server-policy.js';
import { loadConfig } from '../../../src/config.js';

// A real FHIR-ish server on loopback that counts the TCP connections it receives.
let server: http.Server;
let port = 0;
let connections = 0;

beforeAll(async () => {
  server = http.createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/fhir+json' }).end('{"resourceType":"CapabilityStatement"}'),
  );
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  connections = 0;
});

const policy = (...allow: OpenableClass[]): AddressPolicy => ({ allow: new Set(allow), label: 'test' });

/** Answers from a list, one per call (the last repeats): a name whose DNS answer changes between calls. */
function sequenceDns(...answers: readonly string[][]): { resolve: Resolver; calls: () => number } {
  let calls = 0;
  const resolve = async (): Promise<readonly LookupAddress[]> => {
    const answer = answers[Math.min(calls, answers.length - 1)] ?? [];
    calls += 1;
    return answer.map((address) => ({ address, family: net.isIPv6(address) ? 6 : 4 }));
  };
  return { resolve, calls: () => calls };
}

function get(options: http.RequestOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ ...options, port, path: '/fhir/metadata' }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

describe('createGuardedLookup', () => {
  test('DNS rebinding: a name checked as public that later resolves to loopback is never connected to', async () => {
    const config = loadConfig({
      STS_MODE: 'production',
      LOG_LEVEL: 'silent',
      PUBLIC_BASE_URL: 'https://cds.example.org',
      CDS_CLIENTS: JSON.stringify([
        {
          iss: 'https://ehr.example.org',
          jku: 'https://ehr.example.org/jwks',
          fhirServers: ['http://rebind.example.org/fhir'],
        },
      ]),
    }).security;
    const clientConfig = config.clients[0];
    if (!clientConfig) throw new Error('client not configured');
    const client = { iss: 'https://ehr.example.org', config: clientConfig, jti: 'j', exp: 0 };
    const dns = sequenceDns(['93.184.216.34'], ['127.0.0.1']);
    await checkFhirServer('http://rebind.example.org/fhir', client, config, { resolve: dns.resolve });
    const err: unknown = await get({
      host: 'rebind.example.org',
      lookup: createGuardedLookup(policy('public'), dns.resolve),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CdsError);
    expect(err instanceof CdsError && errorCodeOf(err.outcome)).toBe('forbidden');
    expect(dns.calls()).toBe(2);
    expect(connections).toBe(0);
  });

  test('an allowed address is connected to, exactly the one checked', async () => {
    const dns = sequenceDns(['127.0.0.1']);
    expect(await get({ host: 'fhir.local.test', lookup: createGuardedLookup(policy('loopback'), dns.resolve) })).toBe(
      200,
    );
    expect(connections).toBe(1);
  });

  test('guarded agents refuse a host resolving to a refused class and serve an allowed one', async () => {
    const refused = createGuardedAgents(policy('public'), sequenceDns(['127.0.0.1']).resolve);
    await expect(get({ host: 'fhir.local.test', agent: refused.http })).rejects.toBeInstanceOf(CdsError);
    expect(connections).toBe(0);
    const allowed = createGuardedAgents(policy('loopback'), sequenceDns(['127.0.0.1']).resolve);
    expect(await get({ host: 'fhir.local.test', agent: allowed.http })).toBe(200);
    expect(connections).toBe(1);
    allowed.http.destroy();
    refused.http.destroy();
  });
});
