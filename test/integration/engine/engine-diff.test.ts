/**
 * Issue 14, proof of identity: the compiled engine (src/engine/compiled/) gives the same result as cql-execution for
 * every define of every library, on every demo patient at several dates and with unreadable types, and on random
 * patient Bundles (fixed seed, bounded count here; `npm run test:engine-diff` runs more). A difference fails with the
 * library, the define, both results and the Bundle.
 */
import fc from 'fast-check';
import { CHART_SIZES, chartBundle } from '../../../bench/charts.js';
import { demoPatients } from '../../../bench/engine-patients.js';
import { diffCase, formatDifferences, type DiffCase } from '../../helpers/engine-diff.js';
import { randomBundle } from '../../helpers/random-bundles.js';

const DATES = [new Date('2026-11-23T12:00:00Z'), new Date('2027-06-30T23:30:00Z'), new Date('2025-01-15T00:10:00Z')];
const UNREADABLE: readonly (readonly string[])[] = [
  [],
  ['Observation'],
  ['MedicationAdministration', 'MedicationStatement', 'MedicationRequest', 'Procedure'],
];
const DRAFTS = [
  { id: 'draft-doxorubicin', drug: 'doxorubicin', liposomal: false },
  { id: 'draft-trab', drug: 'trabectedin', liposomal: false },
];

const patients = demoPatients();

async function expectIdentical(c: DiffCase): Promise<void> {
  const diffs = await diffCase(c);
  if (diffs.length > 0) throw new Error(formatDifferences(c, diffs));
}

describe('compiled engine = cql-execution, every define of every library', () => {
  it('on every demo patient, at three dates, with three sets of unreadable types', async () => {
    let i = 0;
    for (const p of patients) {
      // Every patient at the demo's date; the other dates and unreadable sets rotate over the patients.
      const variants = [0, 1 + (i % 2)];
      for (const v of variants) {
        await expectIdentical({
          label: p.id,
          bundle: p.bundle,
          now: DATES[v === 0 ? 0 : v]!,
          unreadable: UNREADABLE[(i + v) % 3],
          drafts: DRAFTS.slice(0, 1 + (i % 2)),
          draftOrderIds: i % 3 === 0 ? ['draft-doxorubicin'] : [],
        });
      }
      i++;
    }
  }, 300_000);

  it('on the multi-year charts of the benches (hundreds of administrations and observations)', async () => {
    for (const size of CHART_SIZES) {
      await expectIdentical({
        label: size.label,
        bundle: chartBundle(size),
        now: DATES[0]!,
        drafts: DRAFTS.slice(0, 1),
      });
      await expectIdentical({
        label: `${size.label}, later`,
        bundle: chartBundle(size, new Date('2026-06-01T00:00:00Z'), 7),
        now: DATES[1]!,
        unreadable: UNREADABLE[1],
        drafts: DRAFTS,
      });
    }
  }, 300_000);

  it('on random patient Bundles (fast-check, fixed seed)', async () => {
    await fc.assert(
      fc.asyncProperty(
        randomBundle(patients.map((p) => p.bundle)),
        fc.constantFrom(...DATES),
        fc.constantFrom(...UNREADABLE),
        async (bundle, now, unreadable) => {
          await expectIdentical({ label: 'random', bundle, now, unreadable, drafts: DRAFTS.slice(0, 1) });
        },
      ),
      { seed: 20261202, numRuns: Number(process.env.ENGINE_DIFF_RUNS ?? 25), endOnFailure: true },
    );
  }, 300_000);

  it('the harness sees a difference when there is one', async () => {
    // The same Bundle for both engines, then one engine's Bundle changed: a define must differ.
    const p = patients[0]!;
    const { diffCaseWith } = await import('../../helpers/engine-diff.js');
    const changed = structuredClone(p.bundle);
    for (const e of changed.entry ?? [])
      if (e.resource?.resourceType === 'Condition') (e.resource as { onsetDateTime?: string }).onsetDateTime = '1999';
    const diffs = await diffCaseWith({ label: p.id, bundle: p.bundle, now: DATES[0]! }, changed);
    expect(diffs.some((d) => d.library === 'StsDiagnosis')).toBe(true);
  }, 120_000);
});

describe('the service gets the same plain results from both engines', () => {
  it('evaluatePathway and evaluateOrders, every demo patient', async () => {
    const { createCqlEngine } = await import('../../../src/cql/engine.js');
    const { evaluatePathway } = await import('../../../src/cql/pathway.js');
    const { evaluateOrders } = await import('../../../src/cql/orders.js');
    const { DEFAULT_THRESHOLDS } = await import('../../../src/config.js');
    const compiled = createCqlEngine({ resultCacheSize: 0, engine: 'compiled' });
    const interpreter = createCqlEngine({ resultCacheSize: 0, engine: 'interpreter' });
    expect(compiled.kind).toBe('compiled');
    const opts = { now: DATES[0]!, thresholds: DEFAULT_THRESHOLDS, timeZone: 'UTC' };
    for (const p of patients) {
      const data = { bundle: p.bundle, unreadable: new Map<string, string>() };
      expect(await evaluatePathway(compiled, data, opts)).toEqual(await evaluatePathway(interpreter, data, opts));
      // F7 item 8: drafts with no dose, a dose in mg (over the BSA of now) and one in mg/m².
      const drafts = [
        { id: 'draft-1', medication: { text: 'doxorubicin 75 mg/m2' } },
        {
          id: 'draft-2',
          medication: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '3639' }] },
          dose: { value: 150, unit: 'mg' },
        },
        { id: 'draft-3', medication: { text: 'epirubicin' }, dose: { value: 60, unit: 'mg/m2' } },
      ];
      expect(JSON.stringify(await evaluateOrders(compiled, data, drafts, opts))).toBe(
        JSON.stringify(await evaluateOrders(interpreter, data, drafts, opts)),
      );
    }
  }, 300_000);
});
