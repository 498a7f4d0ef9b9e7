/**
 * Runs demo patients through the app over HTTP, as `scripts/update-card-fixtures.ts` (writes cards/patient-view/*.json)
 * and `patient-view-fixtures.test.ts` (compares) both do: with the full prefetch read from the embedded FHIR server,
 * and with no prefetch (the service fetches from that server on loopback). Random parts are normalised.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Express } from 'express';
import request from 'supertest';
import { prefetchOf } from '../helpers/prefetch.js';
import { loadDemoPatients, startFhirServer, DEMO_DIR, type RunningFhirServer } from '../../src/embedded/index.js';
import type { CdsResponse } from '../../src/shared/cds-hooks.js';
import { testApp } from '../helpers/app.js';
import type { DrugKey } from '../../src/pathway/index.js';

/** The fixed clock of every card fixture. */
export const FIXTURE_NOW = new Date('2026-11-23T12:00:00Z');

/** The public base URL of the app under test (card source urls), fixed so fixtures do not depend on a port. */
export const FIXTURE_BASE_URL = 'https://sts-pathway.example.org';

/** The app as the fixtures see it: fixed clock and base URL. */
export function fixtureApp(): Express {
  return testApp({ PUBLIC_BASE_URL: FIXTURE_BASE_URL }, () => FIXTURE_NOW);
}

/** Where the expected patient-view cards live, one file per demo patient. */
export const FIXTURE_DIR = fileURLToPath(new URL('../../cards/patient-view/', import.meta.url));

/** One order of demo/index.json (demo/patients.ts DemoOrder, as read back from the file). */
export interface DemoOrderEntry {
  readonly drugs: readonly DrugKey[];
  readonly reaches: string;
  readonly doses?: Readonly<Partial<Record<DrugKey, { readonly value: number; readonly unit: string }>>>;
}

/** One patient of demo/index.json (demo/patients.ts DemoIndexEntry, as read back from the file). */
export interface DemoPatientEntry {
  readonly file: string;
  readonly patientId: string;
  readonly name: string;
  readonly patientView: readonly string[];
  readonly orders: readonly DemoOrderEntry[];
}

const isEntry = (v: unknown): v is DemoPatientEntry => {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return (
    typeof e.patientId === 'string' &&
    typeof e.file === 'string' &&
    Array.isArray(e.patientView) &&
    Array.isArray(e.orders)
  );
};

/** The demo patients, in index order. */
export function demoPatients(): DemoPatientEntry[] {
  const index: unknown = JSON.parse(readFileSync(`${DEMO_DIR}index.json`, 'utf8'));
  if (!Array.isArray(index) || !index.every(isEntry)) throw new Error('demo/index.json is not a list of patients');
  return index;
}

/** The embedded FHIR server on a loopback port with every demo patient loaded. */
export async function startDemoFhir(): Promise<RunningFhirServer> {
  const fhir = await startFhirServer();
  const summary = await loadDemoPatients(fhir);
  if (summary.failures.length > 0) throw new Error(`demo patients not loaded: ${JSON.stringify(summary.failures)}`);
  return fhir;
}

// Re-exported: the e2e tests take the prefetch helper from here with the demo server.
export { prefetchOf };

/** A patient-view request body. */
export function patientViewBody(
  patientId: string,
  source: { prefetch: Record<string, unknown> } | { fhirServer: string },
): object {
  return {
    hook: 'patient-view',
    hookInstance: 'c3f8d0a2-5a4e-4b8e-9d0e-3f2f6f0d9a11',
    context: { userId: 'Practitioner/demo', patientId },
    ...source,
  };
}

/** POSTs a patient-view request to the app over HTTP; returns the status and body. */
export async function postPatientView(app: Express, body: object): Promise<{ status: number; body: CdsResponse }> {
  const res = await request(app)
    .post('/cds-services/sts-pathway-patient-view')
    .set('content-type', 'application/json')
    .send(body);
  return { status: res.status, body: res.body as CdsResponse };
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** The response with every random uuid replaced by a placeholder (fixtures compare content, not randomness). */
export function normalise(body: unknown): unknown {
  return JSON.parse(JSON.stringify(body).replace(UUID, '<uuid>'));
}

/** The text of a fixture file. */
export const fixtureText = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
