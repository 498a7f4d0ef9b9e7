import type { Bundle, FhirResource } from 'fhir/r4.js';
import { loadPatientData, type PatientDataDeps } from '../../../src/fhir/patient-data.js';
import { PREFETCH_TEMPLATES } from '../../../src/fhir/prefetch.js';
import { CdsError, preconditionFailed } from '../../../src/errors.js';
import { engineShapeGuard } from '../../helpers/shape-guard.js';
import type { CdsRequest } from '../../../src/shared/cds-hooks.js';
import { testConfig } from '../../helpers/app.js';
import {
  closedPortUrl,
  startFaultyFhirServer,
  startTestFhirServer,
  type Fault,
  type TestFhirServer,
} from '../../helpers/fhir-server.js';
import { dataPathPatient, ofType, searchset, type DataPathPatient } from '../../fixtures/fhir/data-path-patient.js';

const TOKEN = 'test-access-token-4711';
const deps: PatientDataDeps = {
  // Timeouts with room for a loaded CI machine (a cold first search took over 300 ms there); the stall test waits them out.
  config: testConfig({
    FHIR_TIMEOUT_MS: '2000',
    REQUEST_DEADLINE_MS: '4000',
    FHIR_MAX_PAGES: '4',
    FHIR_MAX_RESPONSE_BYTES: '65536',
  }),
  // The guard over the same parsed model info the engine reads resources with.
  shapeGuard: engineShapeGuard(),
};

let fhir: TestFhirServer;
let p: DataPathPatient;
beforeAll(async () => {
  fhir = await startTestFhirServer();
  p = dataPathPatient();
  await fhir.load(p.transaction);
});
afterAll(() => fhir.close());

const request = (over: Partial<CdsRequest> = {}, patientId = p.patientId): CdsRequest => ({
  hook: 'patient-view',
  hookInstance: 'd1d3b8d6-0000-4000-8000-000000000001',
  fhirServer: fhir.url,
  fhirAuthorization: {
    access_token: TOKEN,
    token_type: 'Bearer',
    expires_in: 300,
    scope: 'patient/*.read',
    subject: 'cds',
  },
  context: { userId: 'Practitioner/1', patientId },
  ...over,
});

/** The full prefetch an EHR would send for the patient. */
const fullPrefetch = (): Record<string, unknown> => ({
  patient: ofType(p, 'Patient')[0],
  conditions: searchset(ofType(p, 'Condition')),
  observations: searchset(ofType(p, 'Observation')),
  medicationRequests: searchset(ofType(p, 'MedicationRequest')),
  medicationAdministrations: searchset([]),
  medicationStatements: searchset([]),
  procedures: searchset(ofType(p, 'Procedure')),
});

const ids = (b: Bundle): string[] => (b.entry ?? []).map((e) => `${e.resource?.resourceType}/${e.resource?.id}`).sort();
const expectedIds = (): string[] =>
  ['Patient', 'Condition', 'Observation', 'MedicationRequest', 'Procedure']
    .flatMap((t) => ofType(p, t))
    .map((r: FhirResource) => `${r.resourceType}/${r.id}`)
    .sort();

/** What `fn` returned, and the requests the FHIR server got meanwhile. */
async function withRequests<T>(fn: () => Promise<T>): Promise<{ result: T; seen: typeof fhir.requests }> {
  const before = fhir.requests.length;
  const result = await fn();
  return { result, seen: fhir.requests.slice(before) };
}

async function failureOf(promise: Promise<unknown>): Promise<CdsError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof CdsError)) throw new Error(`expected a CdsError, got ${String(err)}`);
  return err;
}

describe('loadPatientData against the embedded FHIR server', () => {
  test('a complete prefetch is used as it is: no request reaches fhirServer', async () => {
    const { result: data, seen } = await withRequests(() =>
      loadPatientData(request({ prefetch: fullPrefetch() }), deps),
    );
    expect(seen).toEqual([]);
    expect(data.bundle.type).toBe('collection');
    expect(ids(data.bundle)).toEqual(expectedIds());
    expect(data.unreadable.size).toBe(0);
  });

  test('a partial prefetch fetches only the absent keys, in one query each; a null key is read and empty (§2 rule 2)', async () => {
    const prefetch = fullPrefetch();
    delete prefetch.observations;
    prefetch.procedures = null;
    const { result: data, seen } = await withRequests(() => loadPatientData(request({ prefetch }), deps));
    expect(seen.map((r) => r.url.split('?')[0]).sort()).toEqual(['/fhir/Observation']);
    expect(ids(data.bundle)).toEqual(expectedIds().filter((id) => !id.startsWith('Procedure/')));
    expect(data.unreadable.size + (data.incomplete?.size ?? 0)).toBe(0);
  });

  test('null Patient and Condition keys without fhirServer: read and empty, never a 412 (§2 rule 2)', async () => {
    const prefetch = { ...fullPrefetch(), patient: null, conditions: null };
    const data = await loadPatientData(
      request({ fhirServer: undefined, fhirAuthorization: undefined, prefetch }),
      deps,
    );
    expect(data.unreadable.size).toBe(0);
    expect(ids(data.bundle).filter((id) => /^(Patient|Condition)\//.test(id))).toEqual([`Patient/${p.patientId}`]);
  });

  test('without prefetch every key comes from fhirServer, with the bearer token, and other patients are dropped', async () => {
    const { result: data, seen } = await withRequests(() => loadPatientData(request(), deps));
    expect(seen).toHaveLength(Object.keys(PREFETCH_TEMPLATES).length);
    expect(seen.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(seen.map((r) => r.url)).toContain(`/fhir/Patient/${p.patientId}`);
    expect(ids(data.bundle)).toEqual(expectedIds());
    expect(ids(data.bundle).some((id) => id.includes('-other'))).toBe(false);
  });

  test('an OperationOutcome in place of a prefetch key is fetched again', async () => {
    const prefetch = fullPrefetch();
    prefetch.conditions = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'timeout' }] };
    const { result: data, seen } = await withRequests(() => loadPatientData(request({ prefetch }), deps));
    expect(seen.map((r) => r.url.split('?')[0])).toEqual(['/fhir/Condition']);
    expect(ids(data.bundle)).toEqual(expectedIds());
  });

  test('Bundle next links are followed until the last page', async () => {
    const big = dataPathPatient(7);
    await fhir.load(big.transaction);
    const templates = { observations: 'Observation?patient={{context.patientId}}&_count=2' };
    const { result: data, seen } = await withRequests(() =>
      loadPatientData(request({}, big.patientId), { ...deps, templates }),
    );
    expect(seen.filter((r) => r.url.startsWith('/fhir/Observation'))).toHaveLength(4);
    expect(data.bundle.entry?.filter((e) => e.resource?.resourceType === 'Observation')).toHaveLength(7);
  });

  test('without prefetch and without fhirServer, Patient and Condition are a 412 naming the keys', async () => {
    const err = await failureOf(
      loadPatientData(request({ fhirServer: undefined, fhirAuthorization: undefined }), deps),
    );
    expect(err.status).toBe(412);
    expect(err.outcome).toEqual(preconditionFailed(err.message));
    expect(err.message).toMatch(
      /'patient' \(Patient\/\{\{context.patientId\}\}\) was not sent, 'conditions' .* no fhirServer/,
    );
  });

  test('without fhirServer, a missing non-essential key is unreadable, not an error', async () => {
    const prefetch = fullPrefetch();
    delete prefetch.observations;
    const data = await loadPatientData(
      request({ fhirServer: undefined, fhirAuthorization: undefined, prefetch }),
      deps,
    );
    expect(data.unreadable.get('Observation')).toMatch(/was not sent and no fhirServer was given/);
  });
});

describe('loadPatientData: what the EHR could not read (PATHWAY.md §2 "Unreadable data")', () => {
  const noServer = (prefetch: Record<string, unknown>): CdsRequest =>
    request({ fhirServer: undefined, fhirAuthorization: undefined, prefetch });
  const failedRead = {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code: 'exception', diagnostics: 'Condition search failed' }],
  };

  test('a Condition key holding an OperationOutcome, without fhirServer: Condition unreadable, naming what the EHR said', async () => {
    const data = await loadPatientData(noServer({ ...fullPrefetch(), conditions: failedRead }), deps);
    expect(data.unreadable.get('Condition')).toBe(
      "prefetch 'conditions' held an OperationOutcome (exception: Condition search failed) and no fhirServer was given",
    );
    expect(ids(data.bundle).some((id) => id.startsWith('Condition/'))).toBe(false);
  });

  test('a Patient key holding an OperationOutcome, without fhirServer: an id-only Patient, Patient unreadable', async () => {
    const data = await loadPatientData(noServer({ ...fullPrefetch(), patient: failedRead }), deps);
    expect(data.unreadable.get('Patient')).toMatch(/prefetch 'patient' held an OperationOutcome/);
    expect(data.bundle.entry?.map((e) => e.resource).find((r) => r?.resourceType === 'Patient')).toEqual({
      resourceType: 'Patient',
      id: p.patientId,
    });
  });

  test('a Conditions key holding something that is no FHIR answer is unreadable, not a 412', async () => {
    const data = await loadPatientData(
      noServer({ ...fullPrefetch(), conditions: { resourceType: 'Bundle', type: 'searchset', entry: 5 } }),
      deps,
    );
    expect(data.unreadable.get('Condition')).toMatch(/prefetch 'conditions' held a Bundle whose entry is not a list/);
  });

  test('a resource with a wrong-typed field is dropped and its type unreadable, naming the resource and the field', async () => {
    const prefetch = fullPrefetch();
    const [obs, ...rest] = ofType(p, 'Observation');
    prefetch.observations = searchset([{ ...obs, code: 'x' } as unknown as FhirResource, ...rest]);
    const data = await loadPatientData(noServer(prefetch), deps);
    expect(data.unreadable.get('Observation')).toBe(`Observation/${obs?.id ?? ''}: field 'code' has the wrong type`);
    expect(ids(data.bundle)).toEqual(expectedIds().filter((id) => id !== `Observation/${obs?.id ?? ''}`));
  });

  test('a malformed Patient is Patient unreadable: an id-only Patient in its place', async () => {
    const patient = { ...ofType(p, 'Patient')[0], birthDate: { year: 1960 } };
    const data = await loadPatientData(noServer({ ...fullPrefetch(), patient }), deps);
    expect(data.unreadable.get('Patient')).toBe(`Patient/${p.patientId}: field 'birthDate' has the wrong type`);
    expect(data.bundle.entry?.map((e) => e.resource).find((r) => r?.resourceType === 'Patient')).toEqual({
      resourceType: 'Patient',
      id: p.patientId,
    });
  });

  test("a malformed resource of another patient is dropped without making this patient's data unreadable", async () => {
    const prefetch = fullPrefetch();
    const other = {
      resourceType: 'Observation',
      id: 'elsewhere',
      status: 'final',
      code: 5,
      subject: { reference: 'Patient/someone-else' },
    };
    prefetch.observations = searchset([...ofType(p, 'Observation'), other as unknown as FhirResource]);
    const data = await loadPatientData(noServer(prefetch), deps);
    expect(data.unreadable.size).toBe(0);
    expect(ids(data.bundle)).toEqual(expectedIds());
  });
});

describe('loadPatientData when the FHIR server fails', () => {
  const started: { close(): Promise<void> }[] = [];
  afterAll(() => Promise.all(started.map((s) => s.close())));

  /** A server with `fault` on every request, or only on paths matching `affects` (the rest served for real). */
  async function faulty(fault: Fault, affects?: RegExp): Promise<string> {
    const s = await startFaultyFhirServer(fault, affects ? { upstream: fhir.url, affects } : {});
    started.push(s);
    return s.url;
  }

  test('a refused connection for every key is a 412 (§2 rule 4: Patient and Condition neither sent nor fetchable)', async () => {
    const err = await failureOf(loadPatientData(request({ fhirServer: await closedPortUrl() }), deps));
    expect(err.outcome).toEqual(preconditionFailed(err.message));
    expect(err.message).toMatch(
      /'patient' .*was not sent, and fhirServer query 'patient' .*failed: unreachable.*ECONNREFUSED/,
    );
    expect(err.message).not.toContain(p.patientId);
  });

  test.each<[string, Fault, RegExp]>([
    ['a stall past the timeout', { kind: 'stall' }, /timeout: no complete answer within 2000 ms/],
    ['HTTP 500', { kind: 'status', status: 500 }, /http-status: HTTP 500/],
    ['HTTP 401', { kind: 'status', status: 401 }, /HTTP 401: the access token was refused/],
    ['HTML instead of FHIR', { kind: 'html' }, /not-fhir: answer is not FHIR JSON \(text\/html\)/],
    ['a next link looping to itself', { kind: 'next-loop' }, /next-link-loop/],
    ['endless next pages', { kind: 'endless-pages' }, /too-many-pages: more than 4 pages/],
    ['an answer over the byte cap', { kind: 'huge', bytes: 5_000_000 }, /too-large: answer larger than 65536 bytes/],
  ])(
    '%s on the Condition query after the EHR sent an OperationOutcome leaves Condition unreadable, naming the query and the failure',
    async (_name, fault, why) => {
      // PATHWAY.md §2 rule 3: the EHR could not read the Conditions, nor could fhirServer: the D-DATA-UNAVAILABLE card, not a 412.
      const started = Date.now();
      const url = await faulty(fault, /Condition/);
      const prefetch = {
        patient: fullPrefetch().patient,
        conditions: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'timeout' }] },
      };
      const data = await loadPatientData(request({ fhirServer: url, prefetch }), deps);
      const reason = data.unreadable.get('Condition') ?? '';
      expect(reason).toContain("query 'conditions' (Condition?patient={{context.patientId}}");
      expect(reason).toMatch(why);
      expect(reason).not.toContain(p.patientId);
      expect(ids(data.bundle)).toEqual(expectedIds().filter((id) => !id.startsWith('Condition/')));
      expect(Date.now() - started).toBeLessThan(deps.config.requestDeadlineMs + 500);
    },
  );

  test('a server that answers no query, with nothing prefetched, is a 412 naming the failures', async () => {
    const url = await faulty({ kind: 'status', status: 500 });
    const err = await failureOf(loadPatientData(request({ fhirServer: url }), deps));
    expect(err.outcome).toEqual(preconditionFailed(err.message));
    expect(err.message).toMatch(/'patient' .*was not sent, and fhirServer query 'patient' .*HTTP 500/);
  });

  test('an unreachable server for the one key the EHR did not send leaves that type unreadable (the rest is known)', async () => {
    const prefetch = fullPrefetch();
    delete prefetch.observations;
    const data = await loadPatientData(request({ fhirServer: await closedPortUrl(), prefetch }), deps);
    expect(data.unreadable.get('Observation')).toMatch(/query 'observations' .*failed: unreachable/);
    expect(ids(data.bundle)).toEqual(expectedIds().filter((id) => !id.startsWith('Observation/')));
  });

  test('an OperationOutcome prefetch whose query also fails on fhirServer: unreadable, naming both', async () => {
    const prefetch = fullPrefetch();
    prefetch.conditions = {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'timeout', diagnostics: 'EHR read timed out' }],
    };
    const url = await faulty({ kind: 'status', status: 503 }, /Condition/);
    const data = await loadPatientData(request({ fhirServer: url, prefetch }), deps);
    expect(data.unreadable.get('Condition')).toMatch(
      /^prefetch 'conditions' held an OperationOutcome \(timeout: EHR read timed out\); fhirServer query 'conditions' .*HTTP 503/,
    );
  });

  test('a failing Observation query leaves Observation unreadable and the rest loaded', async () => {
    const url = await faulty({ kind: 'status', status: 500 }, /Observation/);
    const data = await loadPatientData(request({ fhirServer: url }), deps);
    expect(data.unreadable.get('Observation')).toMatch(
      /query 'observations' \(Observation\?.*\) failed: http-status: HTTP 500/,
    );
    expect(ids(data.bundle)).toEqual(expectedIds().filter((id) => !id.startsWith('Observation/')));
  });

  test('a stalled Patient read after the EHR sent an OperationOutcome makes Patient unreadable and still ends within the deadline', async () => {
    const started = Date.now();
    const url = await faulty({ kind: 'stall' }, /Patient\//);
    const patient = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception' }] };
    const data = await loadPatientData(request({ fhirServer: url, prefetch: { patient } }), deps);
    expect(data.unreadable.get('Patient')).toMatch(/timeout/);
    expect(Date.now() - started).toBeLessThan(deps.config.requestDeadlineMs);
  });

  test('the overall deadline ends a slow server even when each call is within its timeout', async () => {
    const slow = { ...deps, config: { ...deps.config, fhirTimeoutMs: 5_000, requestDeadlineMs: 400 } };
    const started = Date.now();
    const url = await faulty({ kind: 'stall' }, /Observation/);
    const data = await loadPatientData(request({ fhirServer: url }), slow);
    expect(data.unreadable.get('Observation')).toMatch(/deadline/);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  test('the bearer token reaches a failing server too, and never appears in the error', async () => {
    const s = await startFaultyFhirServer({ kind: 'status', status: 401 });
    started.push(s);
    const err = await failureOf(loadPatientData(request({ fhirServer: s.url }), deps));
    expect(s.requests.length).toBeGreaterThan(0);
    expect(s.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(JSON.stringify(err.outcome)).not.toContain(TOKEN);
  });
});
