import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../../src/config.js';

const KEY = {
  kty: 'EC',
  crv: 'P-384',
  kid: 'k1',
  x: 'dw_JGR8nB2I6XveNxUOl2qk699ZPLM2nYI5STSdiEl9avAkrm3CkfYMbrrjr8laB',
  y: 'Sm3mLE-n1zYNla_aiE3cb3nZsL51RbC7ysw3q8aJLxGm-hx79RPMYpITDjp7kgzy',
};
const PROD = { STS_MODE: 'production', LOG_LEVEL: 'silent', PUBLIC_BASE_URL: 'https://cds.example.org' };

/** The problems loadConfig reports for `env` (an empty list when it loads). */
function problems(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe('AUTH', () => {
  test('is required by default in production and disabled by default in development', () => {
    const clients = JSON.stringify([{ iss: 'https://ehr.example.org', jwks: { keys: [KEY] } }]);
    expect(loadConfig({ ...PROD, CDS_CLIENTS: clients }).security.auth).toBe('required');
    expect(loadConfig({ STS_MODE: 'development' }).security.auth).toBe('disabled');
  });

  test('production without clients or PUBLIC_BASE_URL lists both problems, with the others', () => {
    const list = problems({ STS_MODE: 'production', PORT: 'x' });
    expect(list).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PORT/),
        expect.stringMatching(/no CDS client is configured/),
        expect.stringMatching(/needs PUBLIC_BASE_URL/),
      ]),
    );
  });

  test('cannot be disabled in production', () => {
    expect(problems({ ...PROD, AUTH: 'disabled' })).toEqual(
      expect.arrayContaining([expect.stringMatching(/AUTH=disabled is not allowed/)]),
    );
  });
});

describe('CDS_CLIENTS', () => {
  test.each([
    ['an http jku', [{ iss: 'a', jku: 'http://ehr.example.org/jwks' }], /jku\[0\] must be an https URL/],
    ['an http loopback jku without the flag', [{ iss: 'a', jku: 'http://127.0.0.1:9/jwks' }], /must be an https URL/],
    ['neither jku nor jwks', [{ iss: 'a' }], /needs a jku/],
    ['an HMAC key', [{ iss: 'a', jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }], /symmetric/],
    ['a private key', [{ iss: 'a', jwks: { keys: [{ ...KEY, d: 'secret' }] } }], /private key/],
    [
      'a fhirServer with credentials',
      [{ iss: 'a', jwks: { keys: [KEY] }, fhirServers: ['https://u:p@fhir.example.org/'] }],
      /credentials/,
    ],
    [
      'a duplicate iss',
      [
        { iss: 'a', jwks: { keys: [KEY] } },
        { iss: 'a', jwks: { keys: [KEY] } },
      ],
      /configured twice/,
    ],
    [
      'an unknown setting',
      [{ iss: 'a', jwks: { keys: [KEY] }, fhirServer: 'https://x' }],
      /fhirServer is not a known client setting/,
    ],
  ])('refuses %s', (_what, clients, why) => {
    expect(problems({ ...PROD, CDS_CLIENTS: JSON.stringify(clients) })).toEqual(
      expect.arrayContaining([expect.stringMatching(why)]),
    );
  });

  test('is not JSON: one clear problem', () => {
    expect(problems({ ...PROD, CDS_CLIENTS: '[{' })).toEqual(
      expect.arrayContaining(['CDS_CLIENTS must be a JSON array of clients']),
    );
  });

  test('http JWKS on loopback is accepted only with JWKS_ALLOW_HTTP_LOOPBACK in development', () => {
    const clients = JSON.stringify([{ iss: 'a', jku: 'http://127.0.0.1:9/jwks' }]);
    const dev = loadConfig({
      STS_MODE: 'development',
      AUTH: 'required',
      PUBLIC_BASE_URL: 'https://cds.example.org',
      JWKS_ALLOW_HTTP_LOOPBACK: 'true',
      CDS_CLIENTS: clients,
    });
    expect(dev.security.clients[0]?.jku).toEqual(['http://127.0.0.1:9/jwks']);
    expect(problems({ ...PROD, JWKS_ALLOW_HTTP_LOOPBACK: 'true', CDS_CLIENTS: clients })).toEqual(
      expect.arrayContaining([expect.stringMatching(/JWKS_ALLOW_HTTP_LOOPBACK is for development/)]),
    );
  });

  test('can be read from CDS_CLIENTS_FILE, but not together with CDS_CLIENTS', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sts-clients-')), 'clients.json');
    writeFileSync(
      file,
      JSON.stringify([
        { iss: 'https://ehr.example.org', jwks: { keys: [KEY] }, fhirServers: ['https://fhir.example.org/r4'] },
      ]),
    );
    expect(loadConfig({ ...PROD, CDS_CLIENTS_FILE: file }).security.clients[0]).toMatchObject({
      iss: 'https://ehr.example.org',
      fhirServers: ['https://fhir.example.org/r4'],
      allowPrivateNetwork: false,
    });
    expect(problems({ ...PROD, CDS_CLIENTS_FILE: file, CDS_CLIENTS: '[]' })).toEqual(
      expect.arrayContaining([expect.stringMatching(/not both/)]),
    );
    expect(problems({ ...PROD, CDS_CLIENTS_FILE: `${file}.missing` })).toEqual(
      expect.arrayContaining([expect.stringMatching(/cannot be read/)]),
    );
  });

  test('the sandbox example in src/security/README.md loads as documented', () => {
    const readme = readFileSync(new URL('../../../src/security/README.md', import.meta.url), 'utf8');
    const block = /```json sandbox\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const config = loadConfig({ ...PROD, CDS_CLIENTS: block ?? '' });
    expect(config.security.clients[0]).toMatchObject({
      iss: 'https://sandbox.cds-hooks.org',
      jku: ['https://sandbox.cds-hooks.org/.well-known/jwks.json'],
    });
  });
});
