/**
 * GET /metrics: Prometheus text with requests and latency per CDS service and status and Node's event-loop lag; labels
 * never carry request content; in production it needs the METRICS_TOKEN bearer and is absent without one.
 */
import request from 'supertest';
import { testApp } from '../../helpers/app.js';

test('development: requests per service and status, latency histogram, event-loop lag; no request text in labels', async () => {
  const app = testApp();
  await request(app).get('/cds-services').expect(200);
  await request(app).post('/cds-services/no-such-service-patient-123').send({}).expect(404);
  const res = await request(app).get('/metrics').expect(200);
  expect(res.headers['content-type']).toMatch(/text\/plain/);
  expect(res.text).toMatch(/cds_http_requests_total\{service="discovery",status="200"\} 1/);
  expect(res.text).toMatch(/cds_http_requests_total\{service="unknown-service",status="404"\} 1/);
  expect(res.text).toMatch(/cds_http_request_duration_seconds_bucket\{le="0.005",service="discovery",status="200"\}/);
  expect(res.text).toMatch(/nodejs_eventloop_lag_seconds/);
  expect(res.text).not.toContain('patient-123');
});

test('production: /metrics needs the bearer token, and is not served without METRICS_TOKEN', async () => {
  const prod = {
    STS_MODE: 'production',
    PUBLIC_BASE_URL: 'https://cds.example.org',
    CDS_CLIENTS: JSON.stringify([{ iss: 'https://ehr.example.org', jku: 'https://ehr.example.org/jwks.json', fhirServers: [] }]),
    PSEUDONYM_KEY: 'k'.repeat(40),
  };
  const token = 'metrics-secret-0123456789';
  const app = testApp({ ...prod, METRICS_TOKEN: token });
  await request(app).get('/metrics').expect(401);
  await request(app).get('/metrics').set('authorization', 'Bearer wrong').expect(401);
  const ok = await request(app).get('/metrics').set('authorization', `Bearer ${token}`).expect(200);
  expect(ok.text).toMatch(/cds_http_requests_total/);
  await request(testApp(prod)).get('/metrics').expect(404);
});
