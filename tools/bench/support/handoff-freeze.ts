// The freeze window of a handoff: how long ordering's writes are refused while its data moves to
// order-service's own database and back, with `orders` orders in the schema and a client writing
// throughout.
import { randomUUID } from 'node:crypto';
import { median, sleep, waitUntil } from './measure.js';
import { expectStatus, startBenchShop, type BenchShop, type OnCleanup } from './shop.js';

export interface HandoffRound {
  direction: 'out' | 'back';
  /** Frozen to unfrozen, as the handoff records it. */
  freezeMs: number;
  /** The longest run of refused writes a client saw: its first 503 to its next accepted write. */
  refusedMs: number;
  copyMs: number;
  /** Rows copied, every table of the schema together. */
  rows: number;
}

export interface HandoffFigures {
  orders: number;
  rounds: HandoffRound[];
}

/** Sequential writes, one every WRITE_GAP_MS: the client that sees the freeze. */
const WRITE_GAP_MS = 20;

/**
 * Seeds ordering's schema with `orders` settled orders and what they leave behind (an idempotency key
 * each, two published events in the outbox, two handled messages in the inbox), as a shop that took
 * them through the API would have them.
 */
async function seed(shop: BenchShop, orders: number, productId: string): Promise<void> {
  await shop.db.query(
    `WITH placed AS (
       INSERT INTO ordering.orders (id, customer_id, status, saga_step, lines, total_cents, created_at, updated_at)
       SELECT gen_random_uuid(), gen_random_uuid(), 'CONFIRMED', 'DONE',
              jsonb_build_array(jsonb_build_object('productId', $2::text, 'quantity', 1, 'unitPriceCents', 100)),
              100, now() - make_interval(secs => n), now() - make_interval(secs => n)
         FROM generate_series(1, $1::int) AS n
       RETURNING id, customer_id, created_at
     ), keys AS (
       INSERT INTO ordering.idempotency_keys (customer_id, key, request_hash, order_id, created_at)
       SELECT customer_id, gen_random_uuid()::text, md5(id::text), id, created_at FROM placed
     ), events AS (
       INSERT INTO ordering.outbox (id, type, version, payload, correlation_id, occurred_at, available_at, published_at)
       SELECT gen_random_uuid(), type, 1, jsonb_build_object('orderId', id, 'customerId', customer_id, 'totalCents', 100),
              id::text, created_at, created_at, created_at
         FROM placed CROSS JOIN (VALUES ('ordering.OrderPlaced'), ('ordering.OrderConfirmed')) AS kinds(type)
     )
     INSERT INTO ordering.inbox (message_id, handler, handled_at)
     SELECT gen_random_uuid(), handler, created_at
       FROM placed CROSS JOIN (VALUES ('ordering.order-saga.stock'), ('ordering.order-saga.payment')) AS handlers(handler)`,
    [orders, productId],
  );
}

export async function handoffFreeze(
  options: { orders: number; rounds: number; logLevel: string; log: (line: string) => void },
  onCleanup: OnCleanup,
): Promise<HandoffFigures> {
  const { log } = options;
  log('handoff: starting the monolith and order-service (with a database of its own)');
  const shop = await startBenchShop({ name: 'bench_handoff', logLevel: options.logLevel, ownDatabase: true }, onCleanup);
  const { admin, send } = shop;
  const product = await send('POST', '/products', admin, {
    sku: `HANDOFF-${randomUUID().slice(0, 8)}`,
    name: 'Handoff',
    priceCents: 100,
    stock: 1_000_000,
  });
  expectStatus('create product', 201, product);
  const productId = String(product.body.id);
  await waitUntil(
    async () => (await shop.db.query('SELECT count(*)::int AS n FROM ordering.product_prices')).rows[0].n === 1,
    30_000,
    'ordering knows the price',
  );
  expectStatus('route ordering to service', 200, await send('PUT', '/admin/strangler/routes/ordering', admin, { mode: 'service' }));
  await seed(shop, options.orders, productId);
  log(`handoff: ${options.orders} orders seeded`);

  // The client: places an order every WRITE_GAP_MS, and keeps the longest run of 503s it met.
  const customer = shop.bearer(['customer']);
  let writing = true;
  let refusedSince: number | undefined;
  let longestRefusal = 0;
  let writerFailed: Error | undefined;
  const writer = (async () => {
    while (writing) {
      const answer = await send('POST', '/orders', customer, { items: [{ productId, quantity: 1 }] });
      const now = performance.now();
      if (answer.status === 503) refusedSince ??= now;
      else {
        expectStatus('place an order', 201, answer);
        if (refusedSince !== undefined) longestRefusal = Math.max(longestRefusal, now - refusedSince);
        refusedSince = undefined;
      }
      await sleep(WRITE_GAP_MS);
    }
  })().catch((error: unknown) => {
    writerFailed = error as Error;
  });
  onCleanup('stop the writing client', async () => {
    writing = false;
    await writer;
  });

  const figures: HandoffFigures = { orders: options.orders, rounds: [] };
  for (let round = 0; round < options.rounds; round += 1) {
    for (const direction of ['out', 'back'] as const) {
      longestRefusal = 0;
      expectStatus(`handoff ${direction}`, 202, await send('POST', '/admin/strangler/handoffs/ordering', admin, { direction }));
      let handoff: Record<string, unknown> = {};
      await waitUntil(
        async () => {
          handoff = (await send('GET', '/admin/strangler/handoffs/ordering', admin)).body;
          return ['done', 'failed', 'interrupted', 'held', 'aborted'].includes(String(handoff.status));
        },
        120_000,
        `the handoff ${direction} ended`,
        50,
      );
      if (handoff.status !== 'done') throw new Error(`handoff ${direction} ended ${String(handoff.status)}: ${String(handoff.error)}`);
      // The client's next accepted write closes its run of refusals.
      await waitUntil(
        async () => {
          if (writerFailed) throw writerFailed;
          return refusedSince === undefined;
        },
        30_000,
        'writes accepted again',
      );
      const {
        freezeMs = Number.NaN,
        copyMs = Number.NaN,
        tables = {},
        steps = {},
      } = handoff.figures as {
        freezeMs?: number;
        copyMs?: number;
        tables?: Record<string, { sourceRows: number }>;
        steps?: Record<string, string>;
      };
      const rows = Object.values(tables).reduce((sum, table) => sum + table.sourceRows, 0);
      figures.rounds.push({ direction, freezeMs, refusedMs: longestRefusal, copyMs, rows });
      log(
        `handoff round ${round + 1}/${options.rounds} ${direction}: frozen ${(freezeMs / 1000).toFixed(2)} s ` +
          `(writes refused ${(longestRefusal / 1000).toFixed(2)} s for the client), ${rows} rows; ${stepTimes(steps)}`,
      );
    }
  }
  writing = false;
  await writer;
  if (writerFailed) throw writerFailed;
  return figures;
}

/** How long each step took after the one before, e.g. "frozen 120 ms, drained 15 ms, …". */
function stepTimes(steps: Record<string, string>): string {
  const times = Object.entries(steps).sort(([, a], [, b]) => Date.parse(a) - Date.parse(b));
  return times
    .slice(1)
    .map(([step, at], i) => `${step} ${Date.parse(at) - Date.parse(times[i]![1])} ms`)
    .join(', ');
}

/** Median freeze window and client-seen refusal of one direction. */
export function handoffMedians(figures: HandoffFigures, direction: 'out' | 'back'): { freezeMs: number; refusedMs: number; n: number } {
  const rounds = figures.rounds.filter((round) => round.direction === direction);
  return { freezeMs: median(rounds.map((r) => r.freezeMs)), refusedMs: median(rounds.map((r) => r.refusedMs)), n: rounds.length };
}
