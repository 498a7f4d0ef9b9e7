/**
 * Issue 15 item 4: one client filling the replay memory must not lock out the others. Client A sends as many fresh
 * tokens as its quota holds (the attack), then its next token is refused; client B is accepted all along; A is
 * accepted again once its tokens expire. Run against every replay store (in process here; Redis in
 * test/integration/shared-state/).
 */
import { MemoryReplayStore } from '../../../src/security/replay-cache.js';
import { A, B, QUOTA, lockOutAttack } from './replay-lockout.js';

test('in process: a client filling its replay quota is refused alone; the others go on', async () => {
  const store = new MemoryReplayStore(QUOTA);
  await lockOutAttack(store);
  // Memory stays within quota per issuer: the expired entries of A were dropped to make room.
  expect(store.size(A)).toBeLessThanOrEqual(QUOTA);
  expect(store.size(B)).toBe(QUOTA);
});
