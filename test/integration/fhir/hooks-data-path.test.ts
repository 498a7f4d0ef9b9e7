import request from 'supertest';
import { preconditionFailed } from '../../../src/errors.js';
import type { CdsResponse } from '../../../src/shared/cds-hooks.js';
import { testApp } from '../../helpers/app.js';
import {
  closedPortUrl,
  startFaultyFhirServer,
  startTestFhirServer,
  type TestFhirServer,
} from '../../helpers/fhir-server.js';
import { dataPathPatient, type DataPathPatient } from '../../fixtures/fhir/data-path-patient.js';
import { issueOf } from '../../helpers/responses.js';

// Timeouts with room for a loaded CI machine; the stall test waits the FHIR timeout out.
const app = testApp({ FHIR_TIMEOUT_MS: '1500', REQUEST_DEADLINE_MS: '4000' });
const TOKEN = 'hooks-data-path-token';

let fhir: TestFhirServer;
let p: DataPathPatient;
beforeAll(async () => {
  fhir = await startTestFhirServer();
  p = dataPathPatient();
  await fhir.load(p.transaction);
});
afterAll(() => fhir.close());

const patientView = (fhirServer: string | undefined, prefetch?: Record<string, unknown>) =>
  request(app)
    .post('/cds-services/sts-pathway-patient-view')
    .send({
      hook: 'patient-view',
      hookInstance: 'a8a5b2a0-0000-4000-8000-000000000002',
      ...(fhirServer
        ? {
            fhirServer,
            fhirAuthorization: {
              access_token: TOKEN,
              token_type: 'Bearer',
              expires_in: 300,
              scope: 'patient/*.read',
              subject: 'cds',
            },
          }
        : {}),
      context: { userId: 'Practitioner/1', patientId: p.patientId },
      ...(prefetch ? { prefetch } : {}),
    });

describe('POST /cds-services/{id}: the data path over HTTP', () => {
  test('with no prefetch, the service reads every key from fhirServer with the bearer token and answers 200', async () => {
    const before = fhir.requests.length;
    const res = await patientView(fhir.url);
    expect(res.status).toBe(200);
    const seen = fhir.requests.slice(before);
    expect(seen.length).toBeGreaterThanOrEqual(7);
    expect(seen.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  test('no prefetch and no fhirServer is a 412 OperationOutcome naming the keys', async () => {
    const res = await patientView(undefined);
    expect(res.status).toBe(412);
    expect(res.headers['content-type']).toMatch(/application\/fhir\+json/);
    expect(res.body).toEqual(preconditionFailed(issueOf(res)?.diagnostics ?? ''));
    expect(issueOf(res)?.diagnostics).toMatch(/'patient'.*'conditions'.*no fhirServer/);
  });

  test('an unreachable fhirServer with nothing prefetched is a 412 (§2 rule 4: Patient and Condition not obtainable)', async () => {
    const res = await patientView(await closedPortUrl());
    expect(res.status).toBe(412);
    expect(res.body).toEqual(preconditionFailed(issueOf(res)?.diagnostics ?? ''));
    expect(issueOf(res)?.diagnostics).toMatch(
      /'conditions' .*was not sent, and fhirServer query 'conditions' .*unreachable/,
    );
  });

  test('a fhirServer that stalls on Conditions the EHR could not read gives the D-DATA-UNAVAILABLE card within the deadline', async () => {
    // PATHWAY.md §2 rule 3: a Condition key the EHR could not read, and a fhirServer query that failed too: no 412 but
    // one card naming what could not be read.
    const stalled = await startFaultyFhirServer({ kind: 'stall' }, { upstream: fhir.url, affects: /Condition/ });
    try {
      const started = Date.now();
      const conditions = {
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'timeout', diagnostics: 'EHR search timed out' }],
      };
      const res = await patientView(stalled.url, { conditions });
      expect(res.status).toBe(200);
      const cards = (res.body as CdsResponse).cards;
      expect(cards.map((c) => c.source.topic?.code)).toEqual(['D-DATA-UNAVAILABLE']);
      expect(cards[0]?.indicator).toBe('warning');
      expect(cards[0]?.detail).toMatch(
        /Conditions: unavailable \(Condition could not be read: prefetch 'conditions' held an OperationOutcome \(timeout: EHR search timed out\); fhirServer query 'conditions' .*timeout/,
      );
      expect(Date.now() - started).toBeLessThan(4_000);
    } finally {
      await stalled.close();
    }
  });
});
