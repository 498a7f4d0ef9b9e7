import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Bundle, BundleEntry } from 'fhir/r4.js';
import { isRecord } from '../shared/guards.js';

/** One demo patient file: a transaction Bundle as written under `demo/`. */
export interface DemoBundle {
  readonly file: string;
  readonly bundle: Bundle;
}

/** Files in the demo folder that are not patient Bundles. */
const NOT_PATIENTS: ReadonlySet<string> = new Set(['index.json']);

/** Reads every `*.json` patient Bundle of `dir` (sorted by name, `index.json` left out); throws naming a bad file. */
export async function readDemoBundles(dir: string): Promise<DemoBundle[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json') && !NOT_PATIENTS.has(f)).sort();
  const out: DemoBundle[] = [];
  for (const file of files) {
    const json: unknown = JSON.parse(await readFile(join(dir, file), 'utf8'));
    if (!isBundle(json)) throw new Error(`${file} is not a FHIR Bundle`);
    out.push({ file, bundle: json });
  }
  return out;
}

/** Entry order for loading one resource at a time: referenced resources before those that refer to them. */
const LOAD_ORDER = ['Patient', 'Practitioner', 'Organization', 'Medication', 'Condition'];

/**
 * The Bundle's resources as an idempotent transaction: every entry becomes `PUT <type>/<id>`, so loading twice
 * leaves one copy. Entries without a resource id cannot be PUT and are returned in `rejected`.
 */
export function toPutTransaction(bundle: Bundle): { transaction: Bundle; rejected: string[] } {
  const entries: BundleEntry[] = [];
  const rejected: string[] = [];
  (bundle.entry ?? []).forEach((e, i) => {
    const r = e.resource;
    if (!r) return;
    if (!r.id) {
      rejected.push(`entry[${i}] ${r.resourceType} has no id, so it cannot be loaded idempotently (PUT by id)`);
      return;
    }
    entries.push({ fullUrl: e.fullUrl, resource: r, request: { method: 'PUT', url: `${r.resourceType}/${r.id}` } });
  });
  const rank = (r: { resourceType: string } | undefined): number => {
    const i = LOAD_ORDER.indexOf(r?.resourceType ?? '');
    return i < 0 ? LOAD_ORDER.length : i;
  };
  entries.sort((a, b) => rank(a.resource) - rank(b.resource));
  return { transaction: { resourceType: 'Bundle', type: 'transaction', entry: entries }, rejected };
}

/** The ids of the Patient resources in a demo Bundle (one per file, normally). */
export function patientIdsOf(bundle: Bundle): string[] {
  return (bundle.entry ?? []).flatMap((e) =>
    e.resource?.resourceType === 'Patient' && e.resource.id ? [e.resource.id] : [],
  );
}

function isBundle(v: unknown): v is Bundle {
  return isRecord(v) && v.resourceType === 'Bundle' && (v.entry === undefined || Array.isArray(v.entry));
}
