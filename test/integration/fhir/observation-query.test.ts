/**
 * PATHWAY.md §2 "Queries": the Observation query asks only for the pathway's codes, newest first, so unrelated
 * Observations (vital signs here) cannot push the pathway's facts past the page limit.
 */
import type { FhirResource } from 'fhir/r4.js';
import { loadPatientData } from '../../../src/fhir/patient-data.js';
import { engineShapeGuard } from '../../helpers/shape-guard.js';
import { OBSERVATION_CODES } from '../../../src/pathway/index.js';
import { testConfig } from '../../helpers/app.js';
import { startTestFhirServer, type TestFhirServer } from '../../helpers/fhir-server.js';

const coding = (c: { system: string; code: string }) => ({ coding: [{ system: c.system, code: c.code }] });
// Heart rate (LOINC 8867-4): an Observation the pathway never reads.
const HEART_RATE = { system: 'http://loinc.org', code: '8867-4' };

let fhir: TestFhirServer;
beforeAll(async () => {
  fhir = await startTestFhirServer();
});
afterAll(() => fhir.close());

test('with 30 vital signs newer than the LVEF and 2 pages allowed, the LVEF is still read and the type complete', async () => {
  const patientId = 'obs-query-1';
  const subject = { reference: `Patient/${patientId}` };
  const obs = (id: string, code: { system: string; code: string }, date: string): FhirResource => ({
    resourceType: 'Observation',
    id,
    status: 'final',
    subject,
    code: coding(code),
    effectiveDateTime: date,
  });
  const lvef = OBSERVATION_CODES.lvef[0];
  const ecog = OBSERVATION_CODES.ecog[0];
  const resources: FhirResource[] = [
    { resourceType: 'Patient', id: patientId },
    obs('oq-lvef', lvef, '2026-01-01'),
    obs('oq-ecog', ecog, '2026-02-01'),
    ...Array.from({ length: 30 }, (_, i) =>
      obs(`oq-hr-${i}`, HEART_RATE, `2026-03-${String((i % 28) + 1).padStart(2, '0')}`),
    ),
  ];
  await fhir.load({
    resourceType: 'Bundle',
    type: 'transaction',
    entry: resources.map((resource) => ({
      resource,
      request: { method: 'PUT', url: `${resource.resourceType}/${resource.id ?? ''}` },
    })),
  });
  const templates = { patient: 'Patient/{{context.patientId}}', observations: '' };
  const { PREFETCH_TEMPLATES } = await import('../../../src/fhir/prefetch.js');
  // The service's own template, with a page size small enough that the unfiltered search would need 4 pages.
  templates.observations = (PREFETCH_TEMPLATES.observations ?? '').replace('_count=200', '_count=10');
  const before = fhir.requests.length;
  const data = await loadPatientData(
    { hook: 'patient-view', hookInstance: 'x', fhirServer: fhir.url, context: { patientId } },
    { config: testConfig({ FHIR_MAX_PAGES: '2' }), templates, shapeGuard: engineShapeGuard() },
  );
  const read = (data.bundle.entry ?? [])
    .map((e) => e.resource?.id)
    .filter((id) => id?.startsWith('oq-'))
    .sort();
  expect(read).toEqual(['oq-ecog', 'oq-lvef']);
  expect(data.unreadable.size + (data.incomplete?.size ?? 0)).toBe(0);
  const asked = fhir.requests.slice(before).find((r) => r.url.startsWith('/fhir/Observation'))?.url ?? '';
  expect(new URLSearchParams(asked.split('?')[1]).get('_sort')).toBe('-date');
});
