/**
 * What the engine-only benches (engine-loop.ts, engine-ab.ts) evaluate: every demo patient as a collection Bundle, at
 * the demo's fixed clock, with the parameters the hooks pass (and one doxorubicin draft for StsOrders).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle, BundleEntry } from 'fhir/r4.js';
import { DEFAULT_THRESHOLDS } from '../src/config.js';
import type { CqlEngine } from '../src/cql/engine.js';
import { evaluateLibrary } from '../src/cql/pathway.js';
import { DEMO_DIR } from '../src/embedded/index.js';

/** The clock the demo patients are dated against. */
const NOW = new Date('2026-11-23T12:00:00Z');

/** `labs` lab results of a patient, with codes the pathway never reads (a real chart has hundreds). */
function labResults(patientId: string, labs: number): BundleEntry[] {
  return Array.from({ length: labs }, (_, i) => ({
    resource: {
      resourceType: 'Observation',
      id: `lab-${i}`,
      status: 'final',
      subject: { reference: `Patient/${patientId}` },
      code: { coding: [{ system: 'http://loinc.org', code: ['718-7', '2160-0', '1742-6', '777-3'][i % 4] }] },
      effectiveDateTime: `2026-${String(1 + (i % 10)).padStart(2, '0')}-0${1 + (i % 9)}`,
      valueQuantity: { value: 10 + (i % 7), unit: 'g/dL' },
    } as BundleEntry['resource'],
  }));
}

/** Every demo patient (demo/index.json order) as a collection Bundle, with `labs` lab results added to each. */
export function demoPatients(labs = 0): { id: string; bundle: Bundle }[] {
  const index = JSON.parse(readFileSync(join(DEMO_DIR, 'index.json'), 'utf8')) as { file: string; patientId: string }[];
  return index.map((e) => {
    const b = JSON.parse(readFileSync(join(DEMO_DIR, e.file), 'utf8')) as Bundle;
    const entry = [...(b.entry ?? []).map((x) => ({ resource: x.resource })), ...labResults(e.patientId, labs)];
    return { id: e.patientId, bundle: { resourceType: 'Bundle', type: 'collection', entry } };
  });
}

/** One evaluation of `library` for one patient, as the hooks run it. */
export async function evaluatePatient(engine: CqlEngine, library: string, bundle: Bundle): Promise<void> {
  const extra =
    library === 'StsOrders' ? { Drafts: [{ id: 'draft-doxorubicin', drug: 'doxorubicin', liposomal: false }] } : {};
  await evaluateLibrary(
    engine,
    library,
    { bundle, unreadable: new Map() },
    { now: NOW, thresholds: DEFAULT_THRESHOLDS, timeZone: 'UTC' },
    extra,
  );
}
