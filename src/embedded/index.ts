export { createFhirRouter, type EmbeddedFhir, type FhirAnswer } from './router.js';
export { startFhirServer, type RunningFhirServer } from './standalone.js';
export { loadDemoPatients, DEMO_DIR, type DemoLoadSummary } from './demo-loader.js';
