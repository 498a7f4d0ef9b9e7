/**
 * GET /metrics: Prometheus text with requests and latency per CDS service and status and Node's event-loop lag; labels
 * never carry request content; in production it needs the METRICS_TOKEN bearer and is absent without one.
 */
import request from 'supertest';
import { openAdherenceStore, type AdherenceStore } from '../../../src/adherence/index.js';
import { createApp } from '../../../src/app.js';
import type { RunningFhirServer } from '../../../src/embedded/index.js';
import { createLogger } from '../../../src/log.js';
import { patientViewBody, startDemoFhir } from '../../e2e/patient-view-fixtures-run.js';
import { testApp, testConfig } from '../../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/postgres.js';

const SERVICE = '/cds-services/sts-pathway-patient-view';

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
    CDS_CLIENTS: JSON.stringify([
      { iss: 'https://ehr.example.org', jku: 'https://ehr.example.org/jwks.json', fhirServers: [] },
    ]),
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

describe('issue 18: evaluation time, FHIR calls per host, result-cache hits, adherence queue', () => {
  let fhir: RunningFhirServer;
  let database: TestDatabase;
  let store: AdherenceStore;

  beforeAll(async () => {
    fhir = await startDemoFhir();
    database = await createTestDatabase('metrics');
  }, 60_000);

  afterAll(async () => {
    await store?.close();
    await database?.drop();
    await fhir?.close();
  });

  test('counts what a patient-view costs, by library and FHIR host only; repeats are cache hits; the queue is visible', async () => {
    const config = testConfig({ DATABASE_URL: database.url });
    store = await openAdherenceStore(config.adherence, createLogger('silent'));
    const app = createApp({ config, log: createLogger('silent'), adherence: store });
    const body = patientViewBody('sts-lms-1l', { fhirServer: `${fhir.url}` });
    await request(app).post(SERVICE).send(body).expect(200);
    await request(app).post(SERVICE).send(body).expect(200);
    // A FHIR server that cannot be reached: a failure counted under its host, with the reason.
    await request(app)
      .post(SERVICE)
      .send(patientViewBody('sts-lms-1l', { fhirServer: 'http://127.0.0.1:1/fhir' }))
      .expect(412);
    const text = (await request(app).get('/metrics').expect(200)).text;

    const host = new URL(fhir.url).host;
    expect(text).toMatch(/cds_cql_evaluation_seconds_count\{library="StsPathway"\} [1-9]/);
    expect(value(text, `cds_fhir_fetch_duration_seconds_count{host="${host}"}`)).toBeGreaterThanOrEqual(10);
    expect(
      value(text, 'cds_fhir_fetch_failures_total{host="127.0.0.1:1",reason="unreachable"}'),
    ).toBeGreaterThanOrEqual(1);
    // The second identical request was answered from the result cache.
    expect(value(text, 'cds_result_cache_lookups_total{result="hit"}')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'cds_result_cache_lookups_total{result="miss"}')).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^cds_adherence_queue_depth \d+$/m);
    expect(text).toMatch(/^cds_adherence_records_dropped_total 0$/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
    // Hosts only: no FHIR path, query, patient id or token in any label.
    const labelValues = [...text.matchAll(/="([^"]*)"/g)].map((m) => m[1] ?? '');
    const fhirLabels = labelValues.filter((v) => v.includes('127.0.0.1'));
    expect(fhirLabels.length).toBeGreaterThan(0);
    for (const v of fhirLabels) expect(v).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(labelValues.join(' ')).not.toMatch(/fhir|Patient|sts-lms-1l|_count=/);
  }, 60_000);
});

/** The value of one sample line `name{labels} value`. */
function value(text: string, sample: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line === undefined ? Number.NaN : Number(line.slice(sample.length + 1));
}
