/**
 * Adherence (issue 17): every card shown, every acceptance and override, in PostgreSQL (or embedded PGlite), and the
 * report. `openAdherenceStore` at start; `createApp({ adherence })` records through it.
 */
export { loadAdherenceConfig, type AdherenceConfig } from './config.js';
export { openAdherenceStore, type AdherenceStore } from './store.js';
export { migrate, MIGRATIONS, LATEST_VERSION } from './migrations.js';
export { openPglite, openPostgres, type Database } from './db.js';
export type { OrderCardNote } from './records.js';
export type { AdherenceReport, ReportFilter } from './report.js';
export { reportCsv } from './report-csv.js';
