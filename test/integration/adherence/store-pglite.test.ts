import { openPglite } from '../../../src/adherence/index.js';
import { describeStoreContract } from './store-contract.js';

// In memory: the embedded database `npm start` uses without DATABASE_URL.
describeStoreContract('PGlite', () => openPglite());
