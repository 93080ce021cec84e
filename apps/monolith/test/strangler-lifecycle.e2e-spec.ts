import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createProducts, eventually, Ledger, settle, ShopProcesses, sleep, SteadyLoad, type Attempt, type Sql } from '@shop/testing';
import { orderingContract, type ContractShop } from './support/ordering-contract.js';

/** How long customers keep ordering in each mode before the next move. */
const PHASE_MS = 3000;
/** Once the load stops, how long every order has to become final and every effect to settle. */
const SETTLE_WITHIN_MS = 30_000;

/**
 * The whole life of an extraction, once, with order-service as two processes of its own (and the
 * monolith as a third) on PostgreSQL and RabbitMQ, while eight customers keep placing and cancelling
 * orders, retrying every 503 with the same Idempotency-Key: monolith -> shadow -> canary 50 -> service
 * -> handed off (retired; the ordering contract passes) -> handed back -> service -> monolith (the
 * ordering contract passes). The contract's timing promises hold at rest ("settles within 2 s"), so
 * the customers pause while it runs, and go on after. At the end, from the databases: nothing lost,
 * nothing applied twice, every order final, stock and payments consistent with the orders.
 */
describe('strangler lifecycle: out to retirement and back under steady load', () => {
  let shop: ShopProcesses;
  let load: SteadyLoad;
  let admin: string;
  let initialStock: Map<string, number>;
  const ledger = new Ledger();
  const sql: Sql = (query, params) => shop.sql(query, params);

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${shop.baseUrl}/api/v1${path}`, {
      method,
      headers: { authorization: admin, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  /**
   * Routes ordering and labels the load's phase. What customers send while the change is under way is
   * labelled apart: either side may answer it. Once the PUT is answered the change is in force on the
   * monolith, the only facade.
   */
  const move = async (phase: string, mode: string, percent?: number) => {
    load.phase = `to ${phase}`;
    const answer = await api('PUT', '/admin/strangler/routes/ordering', percent === undefined ? { mode } : { mode, percent });
    expect({ phase, status: answer.status }).toEqual({ phase, status: 200 });
    load.phase = phase;
  };
  const handoff = async (direction: 'out' | 'back') => {
    load.phase = `handoff ${direction}`;
    expect((await api('POST', '/admin/strangler/handoffs/ordering', { direction })).status).toBe(202);
    return eventually(
      async () => {
        const { body } = await api('GET', '/admin/strangler/handoffs/ordering');
        return ['done', 'failed', 'interrupted', 'held', 'aborted'].includes(String(body.status)) ? body : undefined;
      },
      60_000,
      `the handoff ${direction} ended`,
      100,
    );
  };
  /** Who answered the writes the customers sent in a phase (2xx only). */
  const servedIn = (phase: string): Set<string | undefined> =>
    new Set(
      ledger
        .of(phase)
        .attempts.filter((attempt: Attempt) => attempt.outcome === 200 || attempt.outcome === 201)
        .map((attempt) => attempt.servedBy),
    );
  /** The shop as the ordering contract takes it: over HTTP, closed by this suite, not by the contract. */
  const asContractShop = (): ContractShop => ({
    env: { DATABASE_URL: shop.database.url },
    http: () => request(shop.baseUrl),
    sql: (query, params) => shop.sql(query, params),
    bearer: (roles = ['customer'], userId) => shop.bearer(roles, userId),
    close: async () => undefined,
  });

  beforeAll(async () => {
    shop = await ShopProcesses.start({ label: 'lifecycle', orderServices: 2, ownDatabase: true });
    admin = shop.bearer(['admin']);
    initialStock = await createProducts(shop, admin);
    const customers = Array.from({ length: 8 }, () => randomUUID()).map((id) => ({ id, bearer: shop.bearer(['customer'], id) }));
    load = new SteadyLoad(
      {
        baseUrl: shop.baseUrl,
        customers,
        products: [...initialStock.keys()],
        keylessIntervalMs: 500,
        cancelEvery: 3,
        thinkMs: 100,
        maxRetryWaitMs: 1000,
        finishWithinMs: SETTLE_WITHIN_MS,
        requestTimeoutMs: 10_000,
      },
      ledger,
    );
    load.phase = 'monolith';
    load.start();
  }, 120_000);

  afterAll(async () => {
    await load?.stop().catch(() => undefined);
    await shop?.close();
  }, 60_000);

  it('moves monolith -> shadow -> canary 50 -> service while customers order, each answer from the side its mode says', async () => {
    await sleep(PHASE_MS);
    await move('shadow', 'shadow');
    await sleep(PHASE_MS);
    await move('canary 50', 'canary', 50);
    await sleep(PHASE_MS);
    await move('service', 'service');
    await sleep(PHASE_MS);

    expect(servedIn('monolith')).toEqual(new Set(['monolith']));
    expect(servedIn('shadow')).toEqual(new Set(['monolith']));
    expect(servedIn('canary 50')).toEqual(new Set(['monolith', 'order-service']));
    expect(servedIn('service')).toEqual(new Set(['order-service']));
  }, 60_000);

  it('hands ordering off to its own database under load: retired, served by order-service alone', async () => {
    const out = await handoff('out');
    load.phase = 'retired';

    expect(out).toMatchObject({ direction: 'out', status: 'done' });
    const tables = (
      out.figures as { tables: Record<string, { sourceRows: number; targetRows: number; sourceHash: string; targetHash: string }> }
    ).tables;
    expect(tables.orders!.sourceRows).toBeGreaterThan(0);
    for (const figures of Object.values(tables)) expect(figures.targetHash).toBe(figures.sourceHash);
    expect((await api('GET', '/admin/strangler/routes')).body.routes).toEqual([expect.objectContaining({ mode: 'retired' })]);
    await sleep(PHASE_MS);
    expect(servedIn('retired')).toEqual(new Set(['order-service']));
  }, 90_000);

  describe('the ordering contract while retired', () => {
    beforeAll(() => load.stop(), SETTLE_WITHIN_MS);
    afterAll(() => load.start());
    orderingContract(async () => asContractShop());
  });

  it('hands ordering back under load, then moves service -> monolith', async () => {
    const back = await handoff('back');
    load.phase = 'handed back';

    expect(back).toMatchObject({ direction: 'back', status: 'done' });
    expect((await api('GET', '/admin/strangler/routes')).body.routes).toEqual([expect.objectContaining({ mode: 'service' })]);
    await sleep(PHASE_MS);
    await move('monolith again', 'monolith');
    await sleep(PHASE_MS);

    expect(servedIn('handed back')).toEqual(new Set(['order-service']));
    expect(servedIn('monolith again')).toEqual(new Set(['monolith']));
  }, 90_000);

  describe('the ordering contract in monolith mode after the round trip', () => {
    beforeAll(() => load.stop(), SETTLE_WITHIN_MS);
    afterAll(() => load.start());
    orderingContract(async () => asContractShop());
  });

  it('lost nothing and applied nothing twice: every order final, stock and payments consistent with the orders', async () => {
    await load.stop();
    const report = await settle(sql, ledger, initialStock, SETTLE_WITHIN_MS);

    expect(report.violations).toEqual([]);
    expect(shop.exited()).toEqual([]);
    // Every phase had customers ordering, and every keyed placement was answered in the end.
    const phases = [
      'monolith',
      'shadow',
      'canary 50',
      'service',
      'handoff out',
      'retired',
      'handoff back',
      'handed back',
      'monolith again',
    ];
    for (const phase of phases) {
      const placed = ledger.of(phase).placements.filter((placement) => placement.result === 'placed').length;
      expect({ phase, placed: placed > 0 }).toEqual({ phase, placed: true });
    }
    expect(ledger.placements.filter((p) => p.key !== undefined && p.result !== 'placed')).toEqual([]);
  }, 90_000);
});
