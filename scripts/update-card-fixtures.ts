/**
 * Regenerates cards/patient-view/<patient>.json: the expected patient-view cards of every demo patient at the fixture
 * clock (2026-11-23T12:00:00Z), uuids normalised. Run `npx tsx scripts/update-card-fixtures.ts` after a deliberate
 * change to the pathway, the CQL or the card builders, and review the diff.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import {
  FIXTURE_DIR, FIXTURE_NOW, demoPatients, fixtureApp, fixtureText, normalise, patientViewBody, postPatientView, prefetchOf, startDemoFhir,
} from '../test/e2e/patient-view-fixtures-run.js';

const fhir = await startDemoFhir();
try {
  const app = fixtureApp();
  mkdirSync(FIXTURE_DIR, { recursive: true });
  const written = new Set<string>();
  for (const p of demoPatients()) {
    const withPrefetch = await postPatientView(app, patientViewBody(p.patientId, { prefetch: await prefetchOf(fhir.url, p.patientId) }));
    const fetched = await postPatientView(app, patientViewBody(p.patientId, { fhirServer: fhir.url }));
    if (withPrefetch.status !== 200) throw new Error(`${p.patientId}: HTTP ${withPrefetch.status} ${JSON.stringify(withPrefetch.body)}`);
    const cards = normalise(withPrefetch.body.cards);
    if (!isDeepStrictEqual(cards, normalise(fetched.body.cards))) {
      process.stderr.write(`warning: ${p.patientId}: cards differ between full prefetch and fhirServer fetch\n`);
    }
    const file = `${p.patientId}.json`;
    writeFileSync(`${FIXTURE_DIR}${file}`, fixtureText({ patientId: p.patientId, name: p.name, now: FIXTURE_NOW.toISOString(), cards }));
    written.add(file);
  }
  // A demo patient that was removed leaves no stale fixture behind.
  for (const f of readdirSync(FIXTURE_DIR)) if (f.endsWith('.json') && !written.has(f)) rmSync(`${FIXTURE_DIR}${f}`);
  process.stdout.write(`wrote ${written.size} card fixtures to ${FIXTURE_DIR}\n`);
} finally {
  await fhir.close();
}
