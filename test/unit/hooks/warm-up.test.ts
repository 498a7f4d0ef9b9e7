import { DEMO_DIR, readDemoBundles } from '../../../src/embedded/index.js';
import { createCqlEngine } from '../../../src/cql/engine.js';
import { warmUpHooks } from '../../../src/hooks/warm-up.js';
import { testConfig } from '../../helpers/app.js';

describe('warm-up at start', () => {
  test('answers patient-view and order-select for every demo patient, one round when the budget is spent', async () => {
    const config = testConfig();
    const bundles = (await readDemoBundles(DEMO_DIR)).map((d) => d.bundle);
    const engine = createCqlEngine({ timeZone: config.timeZone, resultCacheSize: 0 });
    const summary = await warmUpHooks(bundles, { engine, config }, 1);
    expect(summary.rounds).toBe(1);
    expect(summary.requests).toBe(2 * bundles.length);
    // Every round is evaluated: nothing was kept for the next.
    expect(engine.cacheStats?.()).toMatchObject({ hits: 0, size: 0 });
  }, 60_000);
});
