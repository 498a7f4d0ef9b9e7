/**
 * Loads the demo patient Bundles into any FHIR R4 server, idempotently (every resource PUT by id):
 *   npm run load-demo -- --fhir <base URL> [--token <bearer>] [--dir demo] [--wait <seconds>] [--dates current|as-built]
 * One progress line per patient, one error line per rejected resource; exit code 1 if anything failed.
 * `--dates current` (the default) moves every date by the days from 2026-11-23 to today (UTC), as the embedded server
 * does (src/embedded/demo-dates.ts): the patients on a current regimen are still on it; `as-built` loads the files as they are.
 */
import { parseArgs } from 'node:util';
import { Client } from 'fhir-kit-client';
import type { Bundle, BundleEntry } from 'fhir/r4.js';
import { DEMO_DIR, diagnosticsOf } from '../src/embedded/demo-loader.js';
import { patientIdsOf, readDemoBundles, toPutTransaction } from '../src/embedded/demo-bundles.js';
import { DEMO_DATED_AGAINST, demoDayShift, shiftDates } from '../src/embedded/demo-dates.js';
import { isRecord } from '../src/shared/guards.js';

/** Raw requests carry no content type of their own; servers such as HAPI answer 415 without one. */
const FHIR_BODY = { headers: { 'content-type': 'application/fhir+json' } };

const USAGE =
  'usage: npm run load-demo -- --fhir <base URL> [--token <bearer>] [--dir <folder>] [--wait <seconds>] [--dates current|as-built]';

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      fhir: { type: 'string' },
      token: { type: 'string' },
      dir: { type: 'string', default: DEMO_DIR },
      wait: { type: 'string', default: '0' },
      dates: { type: 'string', default: 'current' },
    },
  });
  if (
    !values.fhir ||
    !URL.canParse(values.fhir) ||
    !/^(\d+)$/.test(values.wait) ||
    !['current', 'as-built'].includes(values.dates)
  ) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const token = values.token ?? process.env.FHIR_TOKEN;
  const client = new Client({ baseUrl: values.fhir, ...(token ? { bearerToken: token } : {}) });
  if (!(await waitForServer(client, Number(values.wait)))) {
    process.stderr.write(`error: no FHIR server answers GET ${values.fhir}/metadata\n`);
    return 1;
  }
  let failed = 0;
  const shiftDays = values.dates === 'current' ? demoDayShift(new Date().toISOString().slice(0, 10)) : 0;
  if (shiftDays !== 0)
    process.stdout.write(
      `dates moved by ${shiftDays} days (today against ${DEMO_DATED_AGAINST}; --dates as-built to keep them)\n`,
    );
  const bundles = await readDemoBundles(values.dir);
  for (const { file, bundle } of bundles) {
    const who = patientIdsOf(bundle).join(', ') || '(no Patient)';
    const { transaction, rejected } = toPutTransaction(shiftDates(bundle, shiftDays));
    const errors = rejected.slice();
    errors.push(...(await loadOne(client, transaction)));
    const total = transaction.entry?.length ?? 0;
    if (errors.length === 0) {
      process.stdout.write(`ok   ${who} (${file}): ${total} resources\n`);
    } else {
      failed++;
      process.stdout.write(
        `FAIL ${who} (${file}): ${errors.length} of ${total + rejected.length} resources rejected\n`,
      );
      for (const e of errors) process.stderr.write(`  error: ${file}: ${e}\n`);
    }
  }
  process.stdout.write(`${bundles.length - failed} of ${bundles.length} patients loaded into ${values.fhir}\n`);
  return failed === 0 ? 0 : 1;
}

/** Polls `GET metadata` once a second for up to `seconds` (a server in a sibling container may still be starting). */
async function waitForServer(client: Client, seconds: number): Promise<boolean> {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    try {
      await client.request('metadata', { options: { signal: AbortSignal.timeout(10_000) } });
      return true;
    } catch {
      if (Date.now() >= until) return false;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** Sends the PUTs as one transaction; if the server refuses it, one by one, to name each rejected resource. */
async function loadOne(client: Client, transaction: Bundle): Promise<string[]> {
  try {
    const response: unknown = await client.request('', { method: 'POST', body: transaction, options: FHIR_BODY });
    const failures = entryFailures(transaction, response);
    if (failures.length === 0) return [];
  } catch {
    // Fall through: per-resource PUTs say which resource the server objects to.
  }
  const errors: string[] = [];
  for (const entry of transaction.entry ?? []) {
    const url = entry.request?.url ?? '?';
    try {
      await client.request(url, { method: 'PUT', body: entry.resource, options: FHIR_BODY });
    } catch (err) {
      errors.push(`${url}: ${describeError(err)}`);
    }
  }
  return errors;
}

/** Entries of a transaction-response whose status is not 2xx. */
function entryFailures(transaction: Bundle, response: unknown): string[] {
  if (!isRecord(response) || !Array.isArray(response.entry)) return ['the server answered no transaction-response'];
  const sent: BundleEntry[] = transaction.entry ?? [];
  return response.entry.flatMap((e: unknown, i: number) => {
    const status =
      isRecord(e) && isRecord(e.response) && typeof e.response.status === 'string' ? e.response.status : '';
    return /^2\d\d/.test(status) ? [] : [`${sent[i]?.request?.url ?? `entry ${i}`}: ${status || 'no status'}`];
  });
}

function describeError(err: unknown): string {
  if (isRecord(err) && isRecord(err.response) && typeof err.response.status === 'number') {
    return `HTTP ${err.response.status}: ${diagnosticsOf(err.response.data)}`;
  }
  return err instanceof Error ? err.message : String(err);
}

process.exitCode = await main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  return 1;
});
