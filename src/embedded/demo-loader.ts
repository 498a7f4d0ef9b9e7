import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Bundle } from 'fhir/r4.js';
import { isObject } from '../http/validate-request.js';
import type { EmbeddedFhir } from './router.js';
import { patientIdsOf, readDemoBundles, toPutTransaction } from './demo-bundles.js';

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
 * Loads every demo patient Bundle of `dir` into the embedded server as an idempotent (PUT by id) transaction.
 * A missing folder loads nothing; a rejected transaction is reported in `failures`, the other files still load.
 */
export async function loadDemoPatients(target: Pick<EmbeddedFhir, 'handle'>, dir = DEMO_DIR): Promise<DemoLoadSummary> {
  if (!existsSync(dir)) return { files: 0, patients: 0, resources: 0, failures: [] };
  const failures: string[] = [];
  let patients = 0;
  let resources = 0;
  const bundles = await readDemoBundles(dir);
  for (const { file, bundle } of bundles) {
    const { transaction, rejected } = toPutTransaction(bundle);
    failures.push(...rejected.map((r) => `${file}: ${r}`));
    const result = await target.handle('POST', '', transaction);
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
  return isObject(v) && v.resourceType === 'Bundle' && v.type === 'transaction-response';
}

/** The first diagnostics (or details text) of an OperationOutcome-like body. */
export function diagnosticsOf(body: unknown): string {
  if (!isObject(body) || !Array.isArray(body.issue)) return 'no OperationOutcome';
  const issue: unknown = body.issue[0];
  if (!isObject(issue)) return 'empty OperationOutcome';
  if (typeof issue.diagnostics === 'string') return issue.diagnostics;
  const text = isObject(issue.details) ? issue.details.text : undefined;
  return typeof text === 'string' ? text : String(issue.code ?? 'unknown issue');
}
