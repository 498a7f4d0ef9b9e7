export { createFhirRouter, type EmbeddedFhir, type FhirAnswer, type FhirRouterOptions } from './router.js';
export { startFhirServer, type RunningFhirServer } from './standalone.js';
export { loadDemoPatients, DEMO_DIR, type DemoLoadOptions, type DemoLoadSummary } from './demo-loader.js';
export { DEMO_DATED_AGAINST, demoDayShift, shiftDates } from './demo-dates.js';
export { readDemoBundles, type DemoBundle } from './demo-bundles.js';
