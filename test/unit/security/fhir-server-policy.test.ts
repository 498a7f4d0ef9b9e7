import net from 'node:net';
import type { LookupAddress } from 'node:dns';
import { loadConfig } from '../../../src/config.js';
import { CdsError, errorCodeOf } from '../../../src/errors.js';
import type { CdsClientConfig, SecurityConfig } from '../../../src/security/config.js';
import { checkFhirServer, type Resolver } from '../../../src/security/fhir-server-policy.js';
import type { VerifiedClient } from '../../../src/security/verified-client.js';

// Counts every TCP connection attempt made by this process, so a test can show none was made.
let connects = 0;
// Kept to restore, and called through Reflect.apply with the socket as `this`.
// eslint-disable-next-line @typescript-eslint/unbound-method
const realConnect = net.Socket.prototype.connect;
beforeAll(() => {
  net.Socket.prototype.connect = function counted(this: net.Socket, ...args: unknown[]) {
    connects += 1;
    return Reflect.apply(realConnect, this, args) as net.Socket;
  };
});
afterAll(() => {
  net.Socket.prototype.connect = realConnect;
});
beforeEach(() => {
  connects = 0;
});

test('the connection counter sees a real (loopback) connection, so a zero count means none was made', async () => {
  const server = net.createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve, reject) =>
    net
      .connect(port, '127.0.0.1')
      .on('close', () => resolve())
      .on('error', reject),
  );
  await new Promise<void>((resolve) => server.close(() => resolve()));
  expect(connects).toBe(1);
});

/** A resolver with a fixed answer per host, counting its calls; unknown hosts fail like ENOTFOUND. */
function fakeDns(answers: Record<string, readonly string[]>): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (host: string): Promise<readonly LookupAddress[]> => {
    calls.push(host);
    const found = answers[host];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found.map((address) => ({ address, family: net.isIPv6(address) ? 6 : 4 }));
  };
  return Object.assign(resolve, { calls });
}

const DNS = {
  'fhir.example.org': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
  'internal.example.org': ['127.0.0.1'],
  'split.example.org': ['93.184.216.34', '169.254.169.254'],
  'private.example.org': ['10.1.2.3'],
  localhost: ['127.0.0.1', '::1'],
};

const production = (clients: readonly unknown[]): SecurityConfig =>
  loadConfig({
    STS_MODE: 'production',
    LOG_LEVEL: 'silent',
    PUBLIC_BASE_URL: 'https://cds.example.org',
    PSEUDONYM_KEY: 'k'.repeat(40),
    CDS_CLIENTS: JSON.stringify(
      clients.map((c) => ({ jwks: { keys: [{ kty: 'EC', crv: 'P-384', x: 'x', y: 'y' }] }, ...(c as object) })),
    ),
  }).security;

const prodConfig = production([
  {
    iss: 'https://ehr.example.org',
    fhirServers: ['https://fhir.example.org/r4', 'https://internal.example.org/fhir', 'http://10.0.0.1/fhir'],
  },
  {
    iss: 'https://onprem.example.org',
    fhirServers: ['https://private.example.org/fhir', 'http://10.0.0.1/fhir'],
    allowPrivateNetwork: true,
  },
]);
const devConfig = loadConfig({ STS_MODE: 'development', LOG_LEVEL: 'silent' }).security;

const clientOf = (config: SecurityConfig, iss: string): VerifiedClient => {
  const c: CdsClientConfig | undefined = config.clients.find((x) => x.iss === iss);
  if (!c) throw new Error(`no client ${iss}`);
  return { iss, config: c, jti: 'j', exp: 0 };
};
const ehr = clientOf(prodConfig, 'https://ehr.example.org');
const onprem = clientOf(prodConfig, 'https://onprem.example.org');

/** Runs the check and returns the refusal (code + diagnostics), or 'allowed'. */
async function verdict(url: string, client: VerifiedClient | undefined, config: SecurityConfig, dns = fakeDns(DNS)) {
  try {
    await checkFhirServer(url, client, config, { resolve: dns });
    return 'allowed';
  } catch (err) {
    if (!(err instanceof CdsError)) throw err;
    return { code: errorCodeOf(err.outcome), diagnostics: err.message };
  }
}

describe('production: only the FHIR servers allowed for the verified client', () => {
  test('an allow-listed server with public addresses passes without connecting anywhere', async () => {
    const dns = fakeDns(DNS);
    expect(await verdict('https://fhir.example.org/r4', ehr, prodConfig, dns)).toBe('allowed');
    expect(await verdict('https://fhir.example.org/r4/', ehr, prodConfig, dns)).toBe('allowed');
    expect(dns.calls).toEqual(['fhir.example.org', 'fhir.example.org']);
    expect(connects).toBe(0);
  });

  test.each([
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data/', /not one of the FHIR servers/],
    ['a private address not on the list', 'http://10.0.0.2/fhir', /not one of the FHIR servers/],
    ['a sibling path sharing the prefix', 'https://fhir.example.org/r4evil', /not one of the FHIR servers/],
    ['a look-alike host', 'https://fhir.example.org.evil.test/r4', /not one of the FHIR servers/],
    ['another port', 'https://fhir.example.org:8443/r4', /not one of the FHIR servers/],
    ['http instead of https', 'http://fhir.example.org/r4', /not one of the FHIR servers/],
    ['a file: URL', 'file:///etc/passwd', /scheme 'file:'/],
    ['credentials in the URL', 'https://user:secret@fhir.example.org/r4', /credentials/],
    ['a metadata host name', 'http://metadata.google.internal/computeMetadata/v1/', /metadata host/],
    ['a query string', 'https://fhir.example.org/r4?x=1', /query/],
  ])('refuses %s with 403 and no connection', async (_what, url, why) => {
    const dns = fakeDns(DNS);
    const v = await verdict(url, ehr, prodConfig, dns);
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- jest types its asymmetric matchers `any`
    expect(v).toMatchObject({ code: 'forbidden', diagnostics: expect.stringMatching(why) });
    expect(dns.calls).toEqual([]);
    expect(connects).toBe(0);
  });

  test('a listed name that resolves to 127.0.0.1 is refused for a client without allowPrivateNetwork', async () => {
    const dns = fakeDns(DNS);
    const v = await verdict('https://internal.example.org/fhir', ehr, prodConfig, dns);
    expect(v).toMatchObject({
      code: 'forbidden',
      // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- jest types its asymmetric matchers `any`
      diagnostics: expect.stringMatching(/resolves to a loopback address/),
    });
    expect(dns.calls).toEqual(['internal.example.org']);
    expect(connects).toBe(0);
  });

  test('a listed private IP is refused without allowPrivateNetwork', async () => {
    expect(await verdict('http://10.0.0.1/fhir', ehr, prodConfig)).toMatchObject({
      code: 'forbidden',
      // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- jest types its asymmetric matchers `any`
      diagnostics: expect.stringMatching(/is a private address/),
    });
  });

  test('a name with one public and one link-local address is refused (every address is checked)', async () => {
    const config = production([{ iss: 'https://x.example.org', fhirServers: ['https://split.example.org/fhir'] }]);
    const v = await verdict('https://split.example.org/fhir', clientOf(config, 'https://x.example.org'), config);
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- jest types its asymmetric matchers `any`
    expect(v).toMatchObject({ code: 'forbidden', diagnostics: expect.stringMatching(/metadata address/) });
    expect(connects).toBe(0);
  });

  test('an IPv4-mapped IPv6 form of the metadata address is refused even when listed', async () => {
    const config = production([
      { iss: 'https://x.example.org', fhirServers: ['http://[::ffff:169.254.169.254]/'], allowPrivateNetwork: true },
    ]);
    const v = await verdict(
      'http://[::ffff:169.254.169.254]/latest',
      clientOf(config, 'https://x.example.org'),
      config,
    );
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- jest types its asymmetric matchers `any`
    expect(v).toMatchObject({ code: 'forbidden', diagnostics: expect.stringMatching(/metadata address/) });
  });

  test('allowPrivateNetwork opens private addresses for that client only', async () => {
    expect(await verdict('https://private.example.org/fhir/Patient', onprem, prodConfig)).toBe('allowed');
    expect(await verdict('http://10.0.0.1/fhir', onprem, prodConfig)).toBe('allowed');
  });

  test('no verified client is refused', async () => {
    expect(await verdict('https://fhir.example.org/r4', undefined, prodConfig)).toMatchObject({ code: 'forbidden' });
  });

  test('a host that does not resolve is 412: the data cannot be fetched', async () => {
    const config = production([{ iss: 'https://x.example.org', fhirServers: ['https://gone.example.org/fhir'] }]);
    const v = await verdict('https://gone.example.org/fhir', clientOf(config, 'https://x.example.org'), config);
    expect(v).toMatchObject({
      code: 'precondition-failed',
      // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- jest types its asymmetric matchers `any`
      diagnostics: expect.stringMatching(/could not be resolved/),
    });
  });
});

describe('development (auth disabled): loopback FHIR servers only', () => {
  test('127.0.0.1 and localhost (resolving to 127.0.0.1 and ::1) pass', async () => {
    expect(await verdict('http://127.0.0.1:8080/fhir', undefined, devConfig)).toBe('allowed');
    expect(await verdict('http://localhost:8080/fhir', undefined, devConfig)).toBe('allowed');
    expect(await verdict('http://[::1]:8080/fhir', undefined, devConfig)).toBe('allowed');
  });

  test.each([
    ['a public server', 'https://fhir.example.org/r4'],
    ['a private address', 'http://10.0.0.1/fhir'],
    ['the metadata address', 'http://169.254.169.254/'],
    ['0.0.0.0', 'http://0.0.0.0:8080/fhir'],
    ['a link-local IPv6 address', 'http://[fe80::1]/fhir'],
  ])('refuses %s with no connection', async (_what, url) => {
    expect(await verdict(url, undefined, devConfig)).toMatchObject({ code: 'forbidden' });
    expect(connects).toBe(0);
  });
});
