/**
 * PatientIndexedRepository answers `subject=Patient/<id>` searches from its index: the answers must equal Medplum's
 * MemoryRepository scan after the same writes (creates, updates that move a resource to another patient, deletes,
 * re-creates, transactions through the router).
 */
import { Operator } from '@medplum/core';
import { FhirRouter, MemoryRepository, type HttpMethod } from '@medplum/fhir-router';
import { indexFhirDefinitions } from '../../../src/embedded/definitions.js';
import { PatientIndexedRepository } from '../../../src/embedded/indexed-repository.js';

beforeAll(() => {
  indexFhirDefinitions();
});

const router = new FhirRouter();

async function call(repo: MemoryRepository, method: HttpMethod, url: string, body?: unknown): Promise<unknown> {
  const [outcome, resource] = await router.handleRequest(
    { method, url, pathname: '', body, params: {}, query: {} },
    repo,
  );
  return resource ?? outcome;
}

/** A search answer without the per-write metadata (version ids and timestamps differ between two repositories). */
function comparable(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (k, x: unknown) => (k === 'meta' || k === 'fullUrl' ? undefined : x)));
}

const observation = (id: string, patient: string, code = '8480-6', effectiveDateTime?: string): object => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code }] },
  subject: { reference: `Patient/${patient}` },
  ...(effectiveDateTime !== undefined ? { effectiveDateTime } : {}),
});

// Dates with ties and one missing, so that sorting by date shows both the order and its stability.
const DATES = ['2026-03-01', '2025-11-20T10:00:00Z', undefined, '2026-03-01', '2024-01-05', '2025-11-20T10:00:00Z'];

/** Applies the same writes to both repositories. */
async function both(
  indexed: MemoryRepository,
  plain: MemoryRepository,
  method: HttpMethod,
  url: string,
  body?: unknown,
): Promise<void> {
  await call(indexed, method, url, body);
  await call(plain, method, url, body);
}

const SEARCHES = [
  'Observation?subject=Patient/a',
  'Observation?subject=Patient/b',
  'Observation?subject=Patient/b&_count=2',
  'Observation?subject=Patient/b&_count=2&_offset=2',
  'Observation?subject=Patient/c',
  'Condition?subject=Patient/a',
  'Observation?subject=Patient/a&code=8480-6',
  'Observation?subject=Patient/a,Patient/b',
  'Observation?_count=50',
  // The service's Observation template (src/fhir/prefetch.ts): codes, newest first, a page size.
  'Observation?subject=Patient/b&code=http://loinc.org|8480-6,http://loinc.org|8462-4&_sort=-date&_count=200',
  'Observation?subject=Patient/b&_sort=-date',
  'Observation?subject=Patient/b&_sort=date&_count=2&_offset=1',
  'Observation?subject=Patient/b&_sort=-date,code',
  'Observation?code=8462-4&subject=Patient/b',
  'Observation?subject=Patient/a&status=final&_sort=date',
  'Observation?subject=Patient/a&status=amended',
];

describe('PatientIndexedRepository', () => {
  test('answers patient searches (with code filters and sorting too) exactly as the MemoryRepository scan, through every kind of write', async () => {
    const indexed = new PatientIndexedRepository();
    const plain = new MemoryRepository();
    const expectSame = async (): Promise<void> => {
      for (const q of SEARCHES)
        expect(comparable(await call(indexed, 'GET', q))).toEqual(comparable(await call(plain, 'GET', q)));
    };
    for (let i = 0; i < 6; i++)
      await both(
        indexed,
        plain,
        'PUT',
        `Observation/o${i}`,
        observation(`o${i}`, i % 2 ? 'a' : 'b', i % 3 ? '8480-6' : '8462-4', DATES[i]),
      );
    await both(indexed, plain, 'PUT', 'Condition/c1', {
      resourceType: 'Condition',
      id: 'c1',
      subject: { reference: 'Patient/a' },
    });
    await expectSame();
    // An update that moves a resource to another patient keeps its place in the scan order.
    await both(indexed, plain, 'PUT', 'Observation/o1', observation('o1', 'b', '8480-6', '2026-03-01'));
    await both(indexed, plain, 'DELETE', 'Observation/o2');
    await both(indexed, plain, 'PUT', 'Observation/o2', observation('o2', 'b', '8462-4', '2025-12-31'));
    await both(indexed, plain, 'POST', '', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: observation('o7', 'c'), request: { method: 'PUT', url: 'Observation/o7' } },
        { resource: observation('o8', 'a'), request: { method: 'PUT', url: 'Observation/o8' } },
      ],
    });
    await expectSame();
    const b = (await call(indexed, 'GET', 'Observation?subject=Patient/b')) as {
      total: number;
      entry: { resource: { id: string } }[];
    };
    expect(b.entry.map((e) => e.resource.id)).toEqual(['o0', 'o1', 'o4', 'o2']);
    expect(b.total).toBe(4);
  });

  test("a client sending ever new searches gets the scan's answers, also once the per-resource memo starts afresh", async () => {
    const indexed = new PatientIndexedRepository();
    const plain = new MemoryRepository();
    for (let i = 0; i < 4; i++)
      await both(indexed, plain, 'PUT', `Observation/o${i}`, observation(`o${i}`, 'a', i % 2 ? '8480-6' : '8462-4'));
    // 150 distinct filter sets (more than the memo keeps per resource), then the first ones again.
    const searches = Array.from({ length: 150 }, (_, i) => `Observation?subject=Patient/a&code=8480-6,x${i}`);
    for (const q of [...searches, ...searches.slice(0, 5)])
      expect(comparable(await call(indexed, 'GET', q))).toEqual(comparable(await call(plain, 'GET', q)));
  });

  test('a resource whose reference is removed no longer matches, and clear empties the index', async () => {
    const repo = new PatientIndexedRepository();
    await call(repo, 'PUT', 'Observation/x', observation('x', 'a'));
    await call(repo, 'PUT', 'Observation/x', {
      resourceType: 'Observation',
      id: 'x',
      status: 'final',
      code: { text: 'no subject' },
    });
    expect(await call(repo, 'GET', 'Observation?subject=Patient/a')).toMatchObject({ total: 0 });
    await call(repo, 'PUT', 'Observation/y', observation('y', 'a'));
    repo.clear();
    await call(repo, 'PUT', 'Observation/z', observation('z', 'a'));
    expect(await call(repo, 'GET', 'Observation?subject=Patient/a')).toMatchObject({
      total: 1,
      entry: [{ resource: { id: 'z' } }],
    });
  });

  test('a conditional create is found by a patient search', async () => {
    const repo = new PatientIndexedRepository();
    await repo.conditionalCreate(
      { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/d' } },
      { resourceType: 'Observation', filters: [{ code: 'subject', operator: Operator.EQUALS, value: 'Patient/d' }] },
    );
    expect(await call(repo, 'GET', 'Observation?subject=Patient/d')).toMatchObject({ total: 1 });
  });
});
