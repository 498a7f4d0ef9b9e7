import { openPostgres } from '../../../src/adherence/index.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/postgres.js';
import { describeStoreContract } from './store-contract.js';

let database: TestDatabase | undefined;

afterAll(async () => {
  await database?.drop();
});

describeStoreContract('PostgreSQL', async () => {
  database = await createTestDatabase('store');
  return openPostgres(database.url);
});
