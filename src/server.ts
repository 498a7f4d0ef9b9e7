import { loadConfig, ConfigError } from './config.js';
import { createLogger } from './log.js';
import { createCqlEngine, todayIn } from './cql/engine.js';
import {
  DEMO_DIR,
  createFhirRouter,
  demoDayShift,
  loadDemoPatients,
  readDemoBundles,
  type EmbeddedFhir,
} from './embedded/index.js';
import { openAdherenceStore, type AdherenceStore } from './adherence/index.js';
import { startService } from './lifecycle/serve.js';
import { warmUpHooks } from './hooks/warm-up.js';
import { createApp } from './app.js';
import { openSharedState } from './shared-state/index.js';

/** Entry point: read config, build the app, listen; SIGTERM/SIGINT stop gracefully (src/lifecycle/serve.ts). */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  let fhir: EmbeddedFhir | undefined;
  if (config.embeddedFhir) {
    fhir = await createFhirRouter({ writable: config.embeddedFhirWritable });
    // The demo's dates follow today (in the service's time zone), unless DEMO_DATES=as-built.
    const shiftDays =
      config.demoDates === 'current' ? demoDayShift(todayIn(new Date(), config.timeZone).toString()) : 0;
    const demo = await loadDemoPatients(fhir, undefined, { shiftDays });
    for (const failure of demo.failures) log.error({ failure }, 'demo patient not loaded');
    log.info(
      { files: demo.files, patients: demo.patients, resources: demo.resources, shiftDays },
      'demo patients loaded',
    );
  }
  // The adherence store (issue 17): PostgreSQL with DATABASE_URL, else embedded PGlite; migrated before listening.
  let adherence: AdherenceStore | undefined;
  if (config.adherence.enabled) {
    try {
      adherence = await openAdherenceStore(config.adherence, log);
    } catch (err) {
      log.fatal(
        { err: err instanceof Error ? err.message : String(err) },
        'adherence store could not be opened (DATABASE_URL, DATA_DIR)',
      );
      process.exit(1);
    }
  }
  // REDIS_URL: the JWT replay memory and the result cache shared with the other replicas (src/shared-state/).
  const sharedState = openSharedState(config.sharedState, config.security.replayCacheSize, log);
  // The first requests meet optimized code (src/hooks/warm-up.ts); nothing listens yet, so nothing waits for it.
  if (config.capacity.warmUpMs > 0) {
    const engine = createCqlEngine({ timeZone: config.timeZone, engine: config.engine, resultCacheSize: 0 });
    const bundles = (await readDemoBundles(DEMO_DIR)).map((d) => d.bundle);
    const warmed = await warmUpHooks(bundles, { engine, config }, config.capacity.warmUpMs);
    log.info({ ...warmed }, 'hook path warmed up on the demo patients');
  }
  // Queued card records are written (adherence.close) after the last request, before the process ends; Redis last.
  const service = await startService(
    config,
    log,
    (lifecycle) => createApp({ config, log, fhirRouter: fhir?.router, adherence, sharedState, ...lifecycle }),
    {
      onStop: [...(adherence ? [() => adherence.close()] : []), ...(sharedState ? [() => sharedState.close()] : [])],
    },
  );
  log.info({ port: service.port, host: config.host, mode: config.mode }, 'STS pathway CDS service listening');
  if (fhir) log.info({ url: `${service.url}/fhir` }, 'embedded FHIR R4 server (demo patients) listening');
  const stop = (): void => {
    void service.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

await main();
