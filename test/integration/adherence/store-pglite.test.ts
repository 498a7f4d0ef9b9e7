import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { migrate, openPglite } from '../../../src/adherence/index.js';
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
