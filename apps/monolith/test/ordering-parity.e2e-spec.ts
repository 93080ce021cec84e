import type { StranglerMode } from '@shop/strangler';
import { eventually } from '@shop/testing';
import { orderingContract } from './support/ordering-contract.js';
import { startStrangledShop, type StrangledShop } from './support/strangled-shop.js';

/**
 * The proof that a cut-over is safe: ordering's contract suite, written once, passes unchanged in
 * every strangler mode, with order-service running as its own process on RabbitMQ.
 */
const MODES: Array<[label: string, mode: StranglerMode, percent: number | undefined, servedBy: string]> = [
  ['monolith', 'monolith', undefined, 'monolith'],
  ['service', 'service', undefined, 'order-service'],
  ['shadow', 'shadow', undefined, 'monolith'],
  ['canary 0%', 'canary', 0, 'monolith'],
  ['canary 50%', 'canary', 50, 'either'],
  ['canary 100%', 'canary', 100, 'order-service'],
];

describe.each(MODES)('ordering parity: %s', (_label, mode, percent, servedBy) => {
  let shop: StrangledShop;

  orderingContract(async () => (shop = await startStrangledShop(mode, { percent })));

  it.each(['/api/v1/orders', '/api/v2/orders'])(`serves %s by ${servedBy}`, async (path) => {
    const sides = new Set<string>();
    for (let i = 0; i < 20; i += 1) {
      const response = await shop
        .http()
        .get(path)
        .set('Authorization', shop.bearer(['customer']))
        .expect(200);
      sides.add(response.headers['x-served-by']);
    }
    expect([...sides].sort()).toEqual(servedBy === 'either' ? ['monolith', 'order-service'] : [servedBy]);
  });

  if (mode === 'shadow') {
    it('compared every mirrored read and found no mismatch', async () => {
      const counts = await eventually(async () => {
        const { body } = await shop.http().get('/api/v1/admin/strangler/shadow').set('Authorization', shop.admin).expect(200);
        const routes = Object.values(body.ordering ?? {}) as Array<{ matches: number; mismatches: number; unavailable: number }>;
        const total = routes.reduce(
          (sum, route) => ({
            matches: sum.matches + route.matches,
            mismatches: sum.mismatches + route.mismatches,
            unavailable: sum.unavailable + route.unavailable,
          }),
          { matches: 0, mismatches: 0, unavailable: 0 },
        );
        const keyset = (body.ordering ?? {})['ordering.ListOrdersAfter.v1'] as { matches: number } | undefined;
        return total.matches > 0 && keyset ? { ...total, keysetMatches: keyset.matches } : undefined;
      });
      expect(counts.keysetMatches).toBeGreaterThan(0);
      expect(counts.mismatches).toBe(0);
      expect(counts.unavailable).toBe(0);
      expect(counts.matches).toBeGreaterThan(20);
    });
  }
});
