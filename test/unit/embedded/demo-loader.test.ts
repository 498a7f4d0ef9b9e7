/**
 * Demo data loads with the same versions in every embedded server (one per worker with WORKERS=2), so the same search
 * answers the same, and the service's result cache sees the same data whichever worker answered.
 */
import { createFhirRouter, loadDemoPatients } from '../../../src/embedded/index.js';

describe('loadDemoPatients', () => {
  test('two servers loading the demo folder answer a search byte for byte alike, also after a reload', async () => {
    const [a, b] = [await createFhirRouter(), await createFhirRouter()];
    expect((await loadDemoPatients(a)).failures).toEqual([]);
    expect((await loadDemoPatients(b)).failures).toEqual([]);
    const query = 'Observation?patient=sts-lms-trab-maint&_count=200';
    const answer = JSON.stringify((await a.handle('GET', query)).body);
    expect(answer).toContain('"versionId"');
    expect(JSON.stringify((await b.handle('GET', query)).body)).toBe(answer);
    await loadDemoPatients(a);
    expect(JSON.stringify((await a.handle('GET', query)).body)).toBe(answer);
  });

  test('after loading, a client write gets a server-assigned version again', async () => {
    const fhir = await createFhirRouter();
    await loadDemoPatients(fhir);
    const written = await fhir.handle('PUT', 'Patient/sts-lms-trab-maint', {
      resourceType: 'Patient',
      id: 'sts-lms-trab-maint',
      meta: { versionId: 'client', lastUpdated: '2000-01-01T00:00:00Z' },
    });
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- jest types its asymmetric matchers `any`
    expect(written.body).toMatchObject({ meta: { versionId: expect.not.stringMatching(/^client$/) } });
  });
});
