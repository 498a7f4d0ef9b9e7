import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { pino } from 'pino';
import { migrate, openPglite } from '../../../src/adherence/index.js';
import { CardRecorder } from '../../../src/adherence/recorder.js';
import type { ResponseRecord } from '../../../src/adherence/records.js';
import { describeStoreContract } from './store-contract.js';

// In memory: the embedded database `npm start` uses without DATABASE_URL.
describeStoreContract('PGlite', () => openPglite());

describe('embedded PGlite on disk (DATA_DIR)', () => {
  const dir = mkdtempSync(join(os.tmpdir(), 'adherence-pglite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('writes its database into the folder it is given', async () => {
    const db = await openPglite(dir);
    try {
      await migrate(db);
      await db.query(`INSERT INTO adherence.feedback (entry_key, received_at, service, card_uuid, outcome, outcome_at)
        VALUES ('k1', now(), 'sts-pathway-order-sign', 'card-1', 'accepted', now())`);
      expect(await db.query('SELECT card_uuid FROM adherence.feedback')).toEqual([{ card_uuid: 'card-1' }]);
    } finally {
      await db.close();
    }
    // A PostgreSQL data directory, made by the embedded database's worker thread.
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(['PG_VERSION', 'base', 'pg_wal']));
  }, 120_000);
});

describe('embedded PGlite whose worker thread ends unasked', () => {
  test('refuses statements at once meanwhile, then starts again migrated, and the card recorder writes what waited', async () => {
    const workers: Worker[] = [];
    const events: string[] = [];
    const db = await openPglite(undefined, {
      onWorker: (w) => workers.push(w),
      onRestart: async (restarted) => {
        await migrate(restarted);
      },
      onEvent: (event) => events.push(event),
    });
    const log = pino({ level: 'silent' });
    const recorder = new CardRecorder(db, log, 100);
    try {
      await migrate(db);
      await db.query(`INSERT INTO adherence.feedback (entry_key, received_at, service, card_uuid, outcome, outcome_at)
        VALUES ('k1', now(), 'sts-pathway-order-sign', 'card-1', 'accepted', now())`);
      // As a WASM abort would: the thread is gone.
      await workers[0]!.terminate();
      await expect(db.query('SELECT 1 AS one')).rejects.toThrow(/embedded database .*starting it again/);
      expect(events).toEqual(['stopped']);
      // A hook answered meanwhile: its record waits in the queue, the hook does not.
      expect(recorder.enqueue(responseRecord('11111111-1111-4111-8111-111111111111'))).toBe(true);

      const deadline = Date.now() + 30_000;
      while (!events.includes('restarted') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(events).toEqual(['stopped', 'restarted']);
      expect(workers).toHaveLength(2);
      // In memory: it starts again empty, with its schema.
      expect(await db.query('SELECT card_uuid FROM adherence.feedback')).toEqual([]);
      expect(await recorder.flush(15_000)).toBe(true);
      expect(recorder.stats()).toMatchObject({ written: 1, dropped: 0, rejected: 0, failing: false });
      expect(await db.query('SELECT service FROM adherence.hook_responses')).toEqual([
        { service: 'sts-pathway-patient-view' },
      ]);
    } finally {
      await recorder.close(1_000);
      await db.close();
    }
  }, 120_000);
});

function responseRecord(id: string): ResponseRecord {
  return {
    id,
    recordedAt: new Date().toISOString(),
    service: 'sts-pathway-patient-view',
    hook: 'patient-view',
    hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
    pathwayVersion: '2026.12.1',
    patient: undefined,
    user: undefined,
    cards: [],
    drafts: [],
  };
}
