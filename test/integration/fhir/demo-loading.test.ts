import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Bundle } from 'fhir/r4.js';
import { DEMO_DIR, loadDemoPatients, startFhirServer, type RunningFhirServer } from '../../../src/embedded/index.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/fhir/${name}/`, import.meta.url));

let fhir: RunningFhirServer;
beforeAll(async () => {
  fhir = await startFhirServer({ writable: true });
});
afterAll(() => fhir.close());

const total = async (query: string): Promise<number | undefined> =>
  ((await (await fetch(`${fhir.url}/${query}`)).json()) as Bundle).total;

/** Runs `npm run load-demo` as an operator would; resolves with its exit code and output. */
async function loadDemoCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'scripts/load-demo.ts', ...args], {
      cwd: ROOT,
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('loadDemoPatients (in process, at start in development mode)', () => {
  test('loads every patient Bundle of the folder, leaving index.json out, and loading twice changes nothing', async () => {
    const summary = await loadDemoPatients(fhir, fixture('demo-good'));
    expect(summary).toEqual({ files: 2, patients: 2, resources: 6, failures: [] });
    await loadDemoPatients(fhir, fixture('demo-good'));
    expect(await total('Condition?patient=load-demo-a')).toBe(1);
    expect(await total('Patient?_id=load-demo-a,load-demo-b')).toBe(2);
  });

  test('the repository demo/ patients all load', async () => {
    const files = readdirSync(DEMO_DIR).filter((f) => f.endsWith('.json') && f !== 'index.json');
    const summary = await loadDemoPatients(fhir);
    expect(summary.failures).toEqual([]);
    expect(summary.files).toBe(files.length);
    expect(summary.patients).toBe(files.length);
  });

  test('a missing folder loads nothing and fails nothing', async () => {
    expect(await loadDemoPatients(fhir, '/nonexistent/demo')).toEqual({
      files: 0,
      patients: 0,
      resources: 0,
      failures: [],
    });
  });
});

describe('npm run load-demo (any FHIR server over HTTP)', () => {
  test('prints one line per patient, exits 0, and is idempotent', async () => {
    const args = ['--fhir', fhir.url, '--token', 'cli-token', '--dir', fixture('demo-good')];
    const first = await loadDemoCli(args);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^ok {3}load-demo-a \(load-demo-a\.json\): 3 resources$/m);
    expect(first.stdout).toMatch(/^ok {3}load-demo-b \(load-demo-b\.json\): 3 resources$/m);
    expect((await loadDemoCli(args)).code).toBe(0);
    expect(await total('Observation?patient=load-demo-b')).toBe(1);
  });

  test('names each rejected resource, loads the rest, and exits non-zero', async () => {
    const res = await loadDemoCli(['--fhir', fhir.url, '--dir', fixture('demo-bad')]);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/^ok {3}load-demo-c /m);
    expect(res.stdout).toMatch(/^FAIL load-demo-d \(load-demo-d\.json\): 1 of 4 resources rejected$/m);
    expect(res.stderr).toMatch(/error: load-demo-d\.json: NotAResource\/load-demo-d-x: HTTP 4\d\d/);
    expect(await total('Condition?patient=load-demo-d')).toBe(1);
  });

  test('an unreachable server is a clear error and a non-zero exit', async () => {
    const res = await loadDemoCli(['--fhir', 'http://127.0.0.1:1/fhir', '--dir', fixture('demo-good')]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/no FHIR server answers GET http:\/\/127\.0\.0\.1:1\/fhir\/metadata/);
  });
});
