/**
 * Issue 15 items 1-2 as attacks: a `context.patientId` that is no FHIR id (or a dot segment the URL API would resolve
 * to the server root) never reaches a URL, and another patient's Conditions never make cards for this one.
 */
import request from 'supertest';
import { errorCodeOf } from '../../../src/errors.js';
import { testApp } from '../../helpers/app.js';
import { startTestFhirServer, type TestFhirServer } from '../../helpers/fhir-server.js';
import { CODES, McodePatient } from '../../fixtures/mcode/resources.js';
import { ago } from '../../fixtures/mcode/http.js';
import { cdsResponseOf, issueOf, outcomeOf } from '../../helpers/responses.js';

const app = testApp({ FHIR_TIMEOUT_MS: '1500', REQUEST_DEADLINE_MS: '3000' });
let fhir: TestFhirServer;
beforeAll(async () => {
  fhir = await startTestFhirServer();
});
afterAll(() => fhir.close());

const call = (patientId: string, prefetch?: Record<string, unknown>) =>
  request(app)
    .post('/cds-services/sts-pathway-patient-view')
    .send({
      hook: 'patient-view',
      hookInstance: 'a0a0a0a0-0000-4000-8000-00000000a0a0',
      fhirServer: fhir.url,
      fhirAuthorization: {
        access_token: 'secret-token',
        token_type: 'Bearer',
        expires_in: 300,
        scope: 'patient/*.read',
        subject: 'x',
      },
      context: { userId: 'Practitioner/1', patientId },
      ...(prefetch ? { prefetch } : {}),
    });

test.each(['..', '.', '../Patient/x', 'a/b', 'x?y=1', 'x'.repeat(65), ''])(
  'patientId %j: 400 naming context.patientId, and no request reaches fhirServer',
  async (patientId) => {
    const before = fhir.requests.length;
    const res = await call(patientId);
    expect(res.status).toBe(400);
    expect(errorCodeOf(outcomeOf(res))).toBe('invalid-request');
    expect(issueOf(res)?.expression).toEqual(['context.patientId']);
    expect(fhir.requests.slice(before)).toEqual([]);
  },
);

test('a patient with no data of their own gets no card from Conditions whose subject does not provably name them', async () => {
  const other = new McodePatient('robust-other');
  const variants = [
    { reference: 'urn:uuid:6f1c7c2e-0000-4000-8000-0000000000bb' },
    { identifier: { value: 'robust-me' } },
    { reference: 'Patient/robust-me/' },
    { reference: 'patient/robust-me' },
    { reference: 'Patient/robust-me/_history/1' },
    { reference: 'https://ehr.example.org/fhir/Patient/robust-other' },
    undefined,
  ];
  const entry = variants.map((subject, i) => ({
    resource: {
      ...other.primary({
        id: `robust-dx-${i}`,
        icd10: CODES.thighIcd,
        extensionMorphology: CODES.lms,
        onset: ago(400),
      }),
      subject,
    },
  }));
  const res = await call('robust-me', {
    patient: { resourceType: 'Patient', id: 'robust-me', birthDate: '1960-01-01' },
    conditions: { resourceType: 'Bundle', type: 'searchset', entry },
    observations: null,
    medicationRequests: null,
    medicationAdministrations: null,
    medicationStatements: null,
    procedures: null,
  });
  expect(res.status).toBe(200);
  expect(cdsResponseOf(res).cards).toEqual([]);
});
