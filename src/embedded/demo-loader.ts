import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bundle } from 'fhir/r4.js';
import { isRecord } from '../shared/guards.js';
import type { EmbeddedFhir } from './router.js';
import { patientIdsOf, readDemoBundles, toPutTransaction } from './demo-bundles.js';
import { shiftDates } from './demo-dates.js';

/** The repository's `demo/` folder (demo patient Bundles). */
export const DEMO_DIR = fileURLToPath(new URL('../../demo/', import.meta.url));

export interface DemoLoadSummary {
  readonly files: number;
  readonly patients: number;
  readonly resources: number;
  /** One line per file or resource that did not load. */
  readonly failures: readonly string[];
}

/**
 * The transaction with the same `meta.versionId` and `meta.lastUpdated` on every load and in every process: the
 * version from the resource's content, the time from the file's. With WORKERS=2 (src/cluster.ts) each worker loads its
 * own embedded server; with server-assigned random versions one patient's data differed between the two, so a request
 * whose searches two workers answered never matched the result cache, and the same search answered differently.
 */
function withStableMeta(transaction: Bundle, lastUpdated: string): Bundle {
  return {
    ...transaction,
    entry: transaction.entry?.map((e) => {
      if (!e.resource) return e;
      const { meta, ...rest } = e.resource;
      const { versionId: _v, lastUpdated: _l, ...keptMeta } = meta ?? {};
      const versionId = createHash('sha256')
        .update(JSON.stringify([rest, keptMeta]))
        .digest('hex')
        .slice(0, 16);
      return { ...e, resource: { ...rest, meta: { ...keptMeta, versionId, lastUpdated } } };
    }),
  };
}

/** How the demo patients are loaded. */
export interface DemoLoadOptions {
  /** Days every full date is moved by (`demoDayShift(today)`: the demo stays current); 0, the default, loads the files as they are. */
  readonly shiftDays?: number;
}

/**
 * Loads every demo patient Bundle of `dir` into the embedded server as an idempotent (PUT by id) transaction, with
 * stable versions (see withStableMeta: the repository keeps a given meta while seeding), dates moved by `shiftDays`.
 * A missing folder loads nothing; a rejected transaction is reported in `failures`, the other files still load.
 */
export async function loadDemoPatients(
  target: Pick<EmbeddedFhir, 'handle' | 'repo'>,
  dir = DEMO_DIR,
  options: DemoLoadOptions = {},
): Promise<DemoLoadSummary> {
  if (!existsSync(dir)) return { files: 0, patients: 0, resources: 0, failures: [] };
  const failures: string[] = [];
  let patients = 0;
  let resources = 0;
  const bundles = await readDemoBundles(dir);
  for (const { file, bundle } of bundles) {
    const { transaction, rejected } = toPutTransaction(shiftDates(bundle, options.shiftDays ?? 0));
    failures.push(...rejected.map((r) => `${file}: ${r}`));
    const lastUpdated = statSync(join(dir, file)).mtime.toISOString();
    // handle() answers errors, it does not throw: seeding always ends (Medplum's withSeeding has no finally).
    const result = await target.repo.withSeeding(() =>
      target.handle('POST', '', withStableMeta(transaction, lastUpdated)),
    );
    if (result.status >= 300 || !isTransactionResponse(result.body)) {
      failures.push(`${file}: transaction rejected (HTTP ${result.status}): ${diagnosticsOf(result.body)}`);
      continue;
    }
    patients += patientIdsOf(bundle).length;
    resources += transaction.entry?.length ?? 0;
  }
  return { files: bundles.length, patients, resources, failures };
}

function isTransactionResponse(v: unknown): v is Bundle {
  return isRecord(v) && v.resourceType === 'Bundle' && v.type === 'transaction-response';
}

/** The first diagnostics (or details text) of an OperationOutcome-like body. */
export function diagnosticsOf(body: unknown): string {
  if (!isRecord(body) || !Array.isArray(body.issue)) return 'no OperationOutcome';
  const issue: unknown = body.issue[0];
  if (!isRecord(issue)) return 'empty OperationOutcome';
  if (typeof issue.diagnostics === 'string') return issue.diagnostics;
  const text = isRecord(issue.details) ? issue.details.text : undefined;
  return typeof text === 'string' ? text : typeof issue.code === 'string' ? issue.code : 'unknown issue';
}
