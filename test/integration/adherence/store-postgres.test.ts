import { pino } from 'pino';
import { migrate, openPostgres } from '../../../src/adherence/index.js';
import { CardRecorder } from '../../../src/adherence/recorder.js';
import type { ResponseRecord } from '../../../src/adherence/records.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/postgres.js';
import { describeStoreContract } from './store-contract.js';

const databases: TestDatabase[] = [];

afterAll(async () => {
  await Promise.all(databases.map((d) => d.drop()));
});

describeStoreContract('PostgreSQL', async () => {
  const database = await createTestDatabase('store');
  databases.push(database);
  return openPostgres(database.url);
});

describe('card recorder on PostgreSQL', () => {
  test('builds notes a batch at a time; a note that cannot be built is counted as refused, the others written', async () => {
    const database = await createTestDatabase('recorder');
    databases.push(database);
    const db = openPostgres(database.url);
    const recorder = new CardRecorder<number>(db, pino({ level: 'silent' }), 1_000, (n) => {
      if (n === 7) throw new Error('a response the recorder cannot read');
      return record(n);
    });
    try {
      await migrate(db);
      for (let n = 0; n < 250; n++) expect(recorder.enqueue(n)).toBe(true);
      expect(recorder.stats().queued + recorder.stats().written + recorder.stats().rejected).toBe(250);
      expect(await recorder.flush(15_000)).toBe(true);
      expect(recorder.stats()).toMatchObject({ queued: 0, written: 249, rejected: 1, dropped: 0, failing: false });
      const rows = await db.query<{ n: string }>('SELECT count(*) AS n FROM adherence.hook_responses');
      expect(Number(rows[0]?.n)).toBe(249);
      const seven = await db.query('SELECT id FROM adherence.hook_responses WHERE id = $1', [record(7).id]);
      expect(seven).toEqual([]);
    } finally {
      await recorder.close(1_000);
      await db.close();
    }
  }, 60_000);
});

function record(n: number): ResponseRecord {
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    recordedAt: new Date().toISOString(),
    service: 'sts-pathway-patient-view',
    hook: 'patient-view',
    hookInstance: `instance-${n}`,
    pathwayVersion: '2026.12.1',
    patient: undefined,
    user: undefined,
    cards: [],
    drafts: [],
  };
}
