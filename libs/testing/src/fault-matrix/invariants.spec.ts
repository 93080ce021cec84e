import { checkInvariants, type Sql } from './invariants.js';
import { Ledger, type Attempt, type Placement } from './steady-load.js';

const P = '00000000-0000-4000-8000-00000000000a';
const C = '00000000-0000-4000-8000-0000000000c1';
const O1 = '00000000-0000-4000-8000-000000000001';
const O2 = '00000000-0000-4000-8000-000000000002';
const O3 = '00000000-0000-4000-8000-000000000003';

interface World {
  orders: Array<{ id: string; customer_id: string; status: string; lines: Array<{ productId: string; quantity: number }> }>;
  keys: Array<{ customer_id: string; key: string; order_id: string }>;
  events: Array<{ type: string; correlation_id: string; order_id: string }>;
  reservations: Array<{ order_id: string; status: string; lines: Array<{ productId: string; quantity: number }> }>;
  products: Array<{ id: string; stock: number }>;
  payments: Array<{ order_id: string; status: string }>;
}

/**
 * A consistent world: a keyed order (O1) confirmed, a keyless one (O2) declined by payments, a
 * keyless request refused as "not applied", and a keyed order (O3) cancelled after capture.
 */
function consistentWorld(): World {
  const two = [{ productId: P, quantity: 2 }];
  return {
    orders: [
      { id: O1, customer_id: C, status: 'CONFIRMED', lines: two },
      { id: O2, customer_id: C, status: 'REJECTED', lines: two },
      { id: O3, customer_id: C, status: 'CANCELLED', lines: two },
    ],
    keys: [
      { customer_id: C, key: 'k1', order_id: O1 },
      { customer_id: C, key: 'k3', order_id: O3 },
    ],
    events: [
      { type: 'ordering.OrderPlaced', correlation_id: 'r1b', order_id: O1 },
      { type: 'payments.TakePayment', correlation_id: 'r1b', order_id: O1 },
      { type: 'ordering.OrderPlaced', correlation_id: 'r2', order_id: O2 },
      { type: 'payments.TakePayment', correlation_id: 'r2', order_id: O2 },
      { type: 'ordering.OrderPlaced', correlation_id: 'r4', order_id: O3 },
      { type: 'payments.TakePayment', correlation_id: 'r4', order_id: O3 },
      { type: 'ordering.OrderCancelled', correlation_id: 'r5', order_id: O3 },
    ],
    reservations: [
      { order_id: O1, status: 'RESERVED', lines: two },
      { order_id: O2, status: 'RELEASED', lines: two },
      { order_id: O3, status: 'RELEASED', lines: two },
    ],
    products: [{ id: P, stock: 98 }],
    payments: [
      { order_id: O1, status: 'CAPTURED' },
      { order_id: O2, status: 'DECLINED' },
      { order_id: O3, status: 'REFUNDED' },
    ],
  };
}

const attempt = (requestId: string, outcome: Attempt['outcome'], extra: Partial<Attempt> = {}): Attempt => ({
  op: 'place',
  phase: 'test',
  requestId,
  keyed: true,
  outcome,
  servedBy: 'order-service',
  sentAt: 0,
  answeredAt: 0,
  ...extra,
});

function consistentLedger(): Ledger {
  const ledger = new Ledger();
  const placement = (fields: Partial<Placement> & Pick<Placement, 'attempts' | 'result'>): Placement => ({
    phase: 'test',
    customerId: C,
    items: [{ productId: P, quantity: 2 }],
    orderIds: new Set(fields.attempts.flatMap((a) => (a.orderId ? [a.orderId] : []))),
    ...fields,
  });
  const notApplied = {
    problemType: 'https://shop.example.com/problems/service-unavailable',
    detail: 'x. The request was not applied; retry',
  };
  ledger.placements.push(
    // Retried once after a 503 "not applied", then placed.
    placement({ key: 'k1', result: 'placed', attempts: [attempt('r1a', 503, notApplied), attempt('r1b', 201, { orderId: O1 })] }),
    placement({ result: 'placed', attempts: [attempt('r2', 201, { keyed: false, orderId: O2 })] }),
    placement({ result: 'not-applied', attempts: [attempt('r3', 503, { keyed: false, ...notApplied })] }),
    placement({
      key: 'k3',
      result: 'placed',
      cancel: 'cancelled',
      attempts: [attempt('r4', 201, { orderId: O3 }), attempt('r5', 200, { op: 'cancel' })],
    }),
  );
  ledger.attempts.push(...ledger.placements.flatMap((p) => p.attempts));
  return ledger;
}

/** Answers each query of checkInvariants from the world, by the table it reads. */
const sqlOf =
  (world: World): Sql =>
  async <Row>(query: string) => {
    const tables: Array<[string, unknown[]]> = [
      ['ordering.orders', world.orders],
      ['ordering.idempotency_keys', world.keys],
      ['ordering.outbox', world.events],
      ['catalog.reservations', world.reservations],
      ['catalog.products', world.products],
      ['payments.payments', world.payments],
    ];
    return tables.find(([table]) => query.includes(`FROM ${table}`))![1] as Row[];
  };

const stock = new Map([[P, 100]]);
const check = (world: World, ledger = consistentLedger()) => checkInvariants(sqlOf(world), ledger, stock, 'order-service');
const invariantsBroken = async (world: World, ledger?: Ledger) => (await check(world, ledger)).violations.map((line) => line.split(':')[0]);

describe('the fault matrix invariants', () => {
  it('hold for a consistent world', async () => {
    expect((await check(consistentWorld())).violations).toEqual([]);
  });

  it('find an order a client was answered 201 for that is not in the database (lost)', async () => {
    const world = consistentWorld();
    world.orders = world.orders.filter((order) => order.id !== O1);
    expect(await invariantsBroken(world)).toContain('lost');
  });

  it('find a keyed placement never answered 201/200 (lost)', async () => {
    const ledger = consistentLedger();
    ledger.placements[0]!.result = 'unanswered';
    expect(await invariantsBroken(consistentWorld(), ledger)).toEqual(['lost']);
  });

  it('find a second order made by one request (duplicated)', async () => {
    const world = consistentWorld();
    const O4 = '00000000-0000-4000-8000-000000000004';
    world.orders.push({ id: O4, customer_id: C, status: 'CANCELLED', lines: [{ productId: P, quantity: 2 }] });
    world.events.push({ type: 'ordering.OrderPlaced', correlation_id: 'r2', order_id: O4 });
    expect(await invariantsBroken(world)).toContain('duplicated');
  });

  it("leave another client's orders alone, but not an order of the load's customers that no placement made", async () => {
    const world = consistentWorld();
    const [O4, O5] = ['00000000-0000-4000-8000-000000000004', '00000000-0000-4000-8000-000000000005'];
    const stranger = '00000000-0000-4000-8000-0000000000c2';
    // A contract suite beside the load: its own customer, order, payment and reservation of another product.
    world.orders.push({ id: O4, customer_id: stranger, status: 'CONFIRMED', lines: [{ productId: O5, quantity: 1 }] });
    world.events.push({ type: 'ordering.OrderPlaced', correlation_id: 'elsewhere', order_id: O4 });
    world.reservations.push({ order_id: O4, status: 'RESERVED', lines: [{ productId: O5, quantity: 1 }] });
    world.payments.push({ order_id: O4, status: 'CAPTURED' });
    expect((await check(world)).violations).toEqual([]);

    world.orders.push({ id: O5, customer_id: C, status: 'CONFIRMED', lines: [{ productId: P, quantity: 1 }] });
    world.events.push({ type: 'ordering.OrderPlaced', correlation_id: 'unknown', order_id: O5 });
    expect(await invariantsBroken(world)).toContain('duplicated');
  });

  it('find an order made by a request answered 503 "not applied"', async () => {
    const world = consistentWorld();
    for (const event of world.events.filter((e) => e.correlation_id === 'r2')) event.correlation_id = 'r3';
    expect(await invariantsBroken(world)).toContain('not applied');
  });

  it('find a keyed placement retried after "not applied" whose refused attempt was applied', async () => {
    const world = consistentWorld();
    world.events.push({ type: 'ordering.OrderPlaced', correlation_id: 'r1a', order_id: O1 });
    expect(await invariantsBroken(world)).toEqual(expect.arrayContaining(['duplicated', 'not applied']));
  });

  it('find an order left PENDING', async () => {
    const world = consistentWorld();
    world.orders[1]!.status = 'PENDING';
    expect(await invariantsBroken(world)).toContain('not final');
  });

  it('find stock that is not the initial stock less the held reservations', async () => {
    const world = consistentWorld();
    world.products[0]!.stock = 96;
    expect(await invariantsBroken(world)).toEqual(['stock']);
  });

  it('find a reservation still held for an order that is not CONFIRMED', async () => {
    const world = consistentWorld();
    world.reservations[2]!.status = 'RESERVED';
    world.products[0]!.stock = 96;
    expect(await invariantsBroken(world)).toEqual(['stock']);
  });

  it('find money captured for a REJECTED order, or not refunded for a cancelled one', async () => {
    const captured = consistentWorld();
    captured.payments[1]!.status = 'CAPTURED';
    expect(await invariantsBroken(captured)).toEqual(['payments']);
    const kept = consistentWorld();
    kept.payments[2]!.status = 'CAPTURED';
    expect(await invariantsBroken(kept)).toEqual(['payments']);
  });

  it('find a second payment for one order', async () => {
    const world = consistentWorld();
    world.payments.push({ order_id: O1, status: 'CAPTURED' });
    expect(await invariantsBroken(world)).toEqual(['payments']);
  });

  it('find a placement whose event does not carry the request id the client sent', async () => {
    const world = consistentWorld();
    world.events[0]!.correlation_id = 'something-else';
    world.events[1]!.correlation_id = 'something-else';
    expect(await invariantsBroken(world)).toEqual(['correlation']);
  });

  it('find a request said to be applied once already that was not applied', async () => {
    const ledger = consistentLedger();
    const applied = { problemType: 'https://shop.example.com/problems/already-applied', detail: 'applied once already' };
    ledger.placements[1]!.result = 'applied';
    ledger.placements[1]!.orderIds.clear();
    Object.assign(ledger.placements[1]!.attempts[0]!, { outcome: 503, orderId: undefined, ...applied });
    expect((await check(consistentWorld(), ledger)).violations).toEqual([]);

    const world = consistentWorld();
    world.orders = world.orders.filter((order) => order.id !== O2);
    world.events = world.events.filter((event) => event.order_id !== O2);
    world.reservations = world.reservations.filter((reservation) => reservation.order_id !== O2);
    world.payments = world.payments.filter((payment) => payment.order_id !== O2);
    expect(await invariantsBroken(world, ledger)).toEqual(['lost', 'already applied']);
  });

  it('find a write answered by the monolith while ordering is routed to the service', async () => {
    const ledger = consistentLedger();
    ledger.placements[3]!.attempts[1]!.servedBy = 'monolith';
    expect(await invariantsBroken(consistentWorld(), ledger)).toEqual(['routing']);
  });

  it('count a keyless placement whose answer left its outcome open, and that was applied, without calling it a duplicate', async () => {
    const ledger = consistentLedger();
    ledger.placements[1]!.result = 'unknown';
    ledger.placements[1]!.orderIds.clear();
    ledger.placements[1]!.attempts[0]!.outcome = 'timeout';
    const report = await check(consistentWorld(), ledger);
    expect(report.violations).toEqual([]);
    expect([...report.keylessApplied]).toEqual(['r2']);
  });
});
