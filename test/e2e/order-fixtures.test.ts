/**
 * The reviewed order-time cards (cards/order-select/, cards/order-sign/): every order of every demo patient
 * (demo/index.json), sent under each hook with the full prefetch, gets exactly the cards of its fixture.
 * Regenerate with `npx tsx scripts/update-card-fixtures.ts` after a deliberate change, and review the diff.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { RunningFhirServer } from '../../src/embedded/index.js';
import { responseProblems } from '../helpers/card-checks.js';
import { ORDER_HOOKS, orderFixtureDir, orderLabel, postDemoOrder, type OrderHook } from './order-fixtures-run.js';
import { demoPatients, fixtureApp, normalise, prefetchOf, startDemoFhir } from './patient-view-fixtures-run.js';

let fhir: RunningFhirServer;
const app = fixtureApp();

beforeAll(async () => {
  fhir = await startDemoFhir();
}, 60_000);

afterAll(async () => {
  await fhir.close();
});

interface OrderFixture {
  readonly orders: readonly { readonly order: string; readonly reaches: string; readonly cards: unknown }[];
}

const expected = (hook: OrderHook, patientId: string): OrderFixture => {
  const file = `${orderFixtureDir(hook)}${patientId}.json`;
  if (!existsSync(file)) throw new Error(`no fixture ${file}: run npx tsx scripts/update-card-fixtures.ts`);
  return JSON.parse(readFileSync(file, 'utf8')) as OrderFixture;
};

const withOrders = demoPatients().filter((p) => p.orders.length > 0);

// docs/PATHWAY.md §5: S-IFOS-MESNA is checked at order-sign only, so order-select does not reach it.
const reachedBy = (hook: OrderHook, reaches: string): boolean => hook === 'order-sign' || reaches !== 'S-IFOS-MESNA';

describe.each(ORDER_HOOKS)("%s cards of the demo patients' orders", (hook) => {
  test.each(withOrders.map((p) => [p.patientId, p.name, p] as const))(
    '%s (%s): each order gets the expected cards, the card it demonstrates among them',
    async (patientId, _name, p) => {
      const fixture = expected(hook, patientId);
      expect(fixture.orders.map((o) => o.order)).toEqual(p.orders.map(orderLabel));
      const prefetch = await prefetchOf(fhir.url, patientId);
      for (const [i, order] of p.orders.entries()) {
        const res = await postDemoOrder(app, hook, p, order, prefetch);
        expect(res.status).toBe(200);
        expect(responseProblems(res.body)).toEqual([]);
        const topics = res.body.cards.map((c) => c.source.topic?.code);
        if (reachedBy(hook, order.reaches)) expect(topics).toContain(order.reaches);
        else expect(topics).not.toContain(order.reaches);
        expect(normalise(res.body.cards)).toEqual(fixture.orders[i]?.cards);
      }
    },
  );
});
