/**
 * Regenerates the reviewed card fixtures at the fixture clock (2026-11-23T12:00:00Z), uuids normalised:
 * cards/patient-view/<patient>.json (every demo patient) and cards/order-select/<patient>.json,
 * cards/order-sign/<patient>.json (every demo patient with orders in demo/index.json, each order under both hooks).
 * Run `npm run cards:update` after a deliberate change to the pathway, the CQL or the card builders,
 * and review the diff.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import {
  FIXTURE_DIR,
  FIXTURE_NOW,
  demoPatients,
  fixtureApp,
  fixtureText,
  normalise,
  patientViewBody,
  postPatientView,
  prefetchOf,
  startDemoFhir,
} from '../test/e2e/patient-view-fixtures-run.js';
import { ORDER_HOOKS, orderFixtureDir, orderLabel, postDemoOrder } from '../test/e2e/order-fixtures-run.js';

/** Writes `files` (name -> content) into `dir`; a file of a patient no longer there is removed. */
function writeAll(dir: string, files: ReadonlyMap<string, unknown>): void {
  mkdirSync(dir, { recursive: true });
  for (const [file, value] of files) writeFileSync(`${dir}${file}`, fixtureText(value));
  for (const f of readdirSync(dir)) if (f.endsWith('.json') && !files.has(f)) rmSync(`${dir}${f}`);
  process.stdout.write(`wrote ${files.size} card fixtures to ${dir}\n`);
}

const fhir = await startDemoFhir();
try {
  const app = fixtureApp();
  const patientView = new Map<string, unknown>();
  const orderTime = new Map(ORDER_HOOKS.map((h) => [h, new Map<string, unknown>()]));
  for (const p of demoPatients()) {
    const prefetch = await prefetchOf(fhir.url, p.patientId);
    const withPrefetch = await postPatientView(app, patientViewBody(p.patientId, { prefetch }));
    const fetched = await postPatientView(app, patientViewBody(p.patientId, { fhirServer: fhir.url }));
    if (withPrefetch.status !== 200)
      throw new Error(`${p.patientId}: HTTP ${withPrefetch.status} ${JSON.stringify(withPrefetch.body)}`);
    const cards = normalise(withPrefetch.body.cards);
    if (!isDeepStrictEqual(cards, normalise(fetched.body.cards))) {
      process.stderr.write(`warning: ${p.patientId}: cards differ between full prefetch and fhirServer fetch\n`);
    }
    const file = `${p.patientId}.json`;
    patientView.set(file, { patientId: p.patientId, name: p.name, now: FIXTURE_NOW.toISOString(), cards });
    if (p.orders.length === 0) continue;
    for (const hook of ORDER_HOOKS) {
      const orders = [];
      for (const order of p.orders) {
        const res = await postDemoOrder(app, hook, p, order, prefetch);
        if (res.status !== 200)
          throw new Error(
            `${p.patientId} ${hook} ${orderLabel(order)}: HTTP ${res.status} ${JSON.stringify(res.body)}`,
          );
        orders.push({ order: orderLabel(order), reaches: order.reaches, cards: normalise(res.body.cards) });
      }
      orderTime
        .get(hook)
        ?.set(file, { patientId: p.patientId, name: p.name, now: FIXTURE_NOW.toISOString(), hook, orders });
    }
  }
  writeAll(FIXTURE_DIR, patientView);
  for (const [hook, files] of orderTime) writeAll(orderFixtureDir(hook), files);
} finally {
  await fhir.close();
}
