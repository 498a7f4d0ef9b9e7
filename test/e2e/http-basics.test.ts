import type { OperationOutcome } from 'fhir/r4.js';
import request from 'supertest';
import { testApp } from '../helpers/app.js';
import { statusOf, outcome } from '../../src/errors.js';
import type { CdsServiceDefinition } from '../../src/shared/cds-hooks.js';

const app = testApp();

const patientView = (body: unknown) =>
  request(app)
    .post('/cds-services/sts-pathway-patient-view')
    .set('content-type', 'application/json')
    .send(body as object);

describe('discovery', () => {
  test('lists the three STS services with their hooks and prefetch templates', async () => {
    const res = await request(app).get('/cds-services').expect(200);
    const { services } = res.body as { services: CdsServiceDefinition[] };
    const ids = services.map((s) => `${s.id}:${s.hook}`);
    expect(ids).toEqual([
      'sts-pathway-patient-view:patient-view',
      'sts-pathway-order-select:order-select',
      'sts-pathway-order-sign:order-sign',
    ]);
    for (const s of services) {
      expect(s.description).toContain('2026.12.1');
      expect(s.prefetch.patient).toBe('Patient/{{context.patientId}}');
      expect(s.prefetch.conditions).toMatch(/^Condition\?patient=\{\{context\.patientId\}\}/);
    }
  });
});

describe('bad requests get an OperationOutcome, never a stack', () => {
  test('malformed JSON is 400', async () => {
    const res = await request(app)
      .post('/cds-services/sts-pathway-patient-view')
      .set('content-type', 'application/json')
      .send('{"hook": "patient-view",');
    expect(res.status).toBe(400);
    const body = res.body as OperationOutcome;
    expect(body.resourceType).toBe('OperationOutcome');
    expect(body.issue[0]?.diagnostics).toMatch(/not valid JSON/);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/);
  });

  test('an unknown service is 404', async () => {
    const res = await request(app).post('/cds-services/nope').send({});
    expect(res.status).toBe(404);
    expect((res.body as OperationOutcome).issue[0]?.diagnostics).toMatch(/No CDS service with id 'nope'/);
  });

  test('a hook that does not match the service is 400', async () => {
    const res = await patientView({ hook: 'order-sign', hookInstance: 'x', context: {} });
    expect(res.status).toBe(400);
    expect((res.body as OperationOutcome).issue[0]?.diagnostics).toMatch(/answers the 'patient-view' hook/);
  });

  test('missing context.patientId is 400 naming the field', async () => {
    const res = await patientView({ hook: 'patient-view', hookInstance: 'x', context: { userId: 'Practitioner/1' } });
    expect(res.status).toBe(400);
    expect((res.body as OperationOutcome).issue[0]?.expression).toEqual(['context.patientId']);
  });

  test('a body over the limit is 413', async () => {
    const small = testApp({ BODY_LIMIT_BYTES: '2000' });
    const res = await request(small)
      .post('/cds-services/sts-pathway-patient-view')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ hook: 'patient-view', pad: 'x'.repeat(5000) }));
    expect(res.status).toBe(413);
    expect(statusOf(res.body as OperationOutcome)).toBe(statusOf(outcome('body-too-large', '')));
  });
});
