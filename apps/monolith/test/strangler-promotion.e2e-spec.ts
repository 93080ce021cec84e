import {
  createProducts,
  GENTLE_ORDERING,
  Ledger,
  orderServiceFaults,
  ShopProcesses,
  SteadyLoad,
  stranglerAdminApi,
  until,
} from '@shop/testing';
import { customersAcrossTheCanary } from './support/canary-customers.js';

const GATE = { windowS: 30, minRequests: 10, maxErrorRate: 0.05, dryRun: false };

/**
 * Stepped promotion with the shop as deployed (monolith and order-service as processes) while
 * customers order and read their orders: a plan with short holds takes ordering from shadow to
 * service by itself on a healthy service; the same kind of plan, with a fault in order-service,
 * stops and is rolled back to the monolith.
 */
describe('strangler promotion plans', () => {
  let shop: ShopProcesses;
  let admin: string;
  let load: SteadyLoad;
  let reading = true;
  let readers: Promise<void>;

  const api = (method: string, path: string, body?: unknown) => stranglerAdminApi(admin)(shop.baseUrl, method, path, body);
  const plan = async () => (await api('GET', '/plans/ordering')).body as { status: string; stepIndex: number; progress: unknown };
  /** Waits for the plan to reach a status; on a timeout, says where it stood. */
  const planReaches = async (status: string, timeoutMs: number) => {
    let last: unknown;
    await until(
      async () => {
        last = await plan();
        return (last as { status: string }).status === status;
      },
      timeoutMs,
      `the plan ${status}`,
    ).catch((error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify(last)}`);
    });
  };
  const route = async () =>
    ((await api('GET', '/routes')).body.routes as Array<{ context: string; mode: string; percent: number }>).find(
      (candidate) => candidate.context === 'ordering',
    );
  const actions = async () =>
    ((await api('GET', '/audit?context=ordering&limit=100')).body.entries as Array<{ action: string; to?: { mode: string } }>).reverse();

  beforeAll(async () => {
    shop = await ShopProcesses.start({ label: 'promotion', orderServices: 1 });
    admin = shop.bearer(['admin']);
    const stock = await createProducts(shop, admin);
    const customers = customersAcrossTheCanary((roles, id) => shop.bearer(roles, id), 3);
    load = new SteadyLoad(
      {
        baseUrl: shop.baseUrl,
        customers,
        products: [...stock.keys()],
        ...GENTLE_ORDERING,
      },
      new Ledger(),
    );
    load.start();
    // Customers also read their orders: the reads a shadow step compares.
    readers = Promise.all(
      customers.map(async (customer) => {
        while (reading) {
          await fetch(`${shop.baseUrl}/api/v1/orders`, { headers: { authorization: customer.bearer } }).catch(() => undefined);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }),
    ).then(() => undefined);
    expect((await api('PUT', '/gates/ordering', GATE)).status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    reading = false;
    await readers;
    await load?.stop().catch(() => undefined);
    await shop?.close();
  }, 60_000);

  it('refuses a canary step without a percent, changing nothing', async () => {
    const answer = await api('PUT', '/plans/ordering', { steps: [{ mode: 'canary', holdS: 1 }], start: true });
    expect(answer.status).toBe(400);
    expect((await plan()).status).toBe('idle');
  });

  it('refuses a gate window no longer than the longest call to the service, keeping the gate it had', async () => {
    const before = await api('GET', '/gates/ordering');
    const answer = await api('PUT', '/gates/ordering', { ...GATE, windowS: 4 });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toMatch(/windowS must not be less than 5/);
    expect((await api('GET', '/gates/ordering')).body.gate).toEqual(before.body.gate);
  });

  it('refuses a p99 bound the latency histogram cannot exceed, keeping the gate it had', async () => {
    // 5000 ms is the histogram's top bound: a p99 among slower answers is reported as 5000, never above.
    const before = await api('GET', '/gates/ordering');
    const answer = await api('PUT', '/gates/ordering', { ...GATE, maxP99Ms: 5000 });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toMatch(/maxP99Ms must not be greater than/);
    expect((await api('GET', '/gates/ordering')).body.gate).toEqual(before.body.gate);
  });

  it('refuses null for a gate field or a plan field, which is a bad value, not one left out, keeping what it had', async () => {
    const before = await api('GET', '/gates/ordering');
    const gate = await api('PUT', '/gates/ordering', { ...GATE, dryRun: null, maxP99Ms: null });
    expect(gate.status).toBe(400);
    expect(fieldsOf(gate.body)).toEqual(['dryRun', 'maxP99Ms']);
    expect((await api('GET', '/gates/ordering')).body.gate).toEqual(before.body.gate);
    const plan = await api('PUT', '/plans/ordering', { steps: null, start: null });
    expect(plan.status).toBe(400);
    expect(fieldsOf(plan.body)).toEqual(['start', 'steps']);
  });

  it('reaches service by itself on a healthy service, every step audited', async () => {
    const steps = [
      { mode: 'shadow', holdS: 2, minComparedReads: 20, maxMismatchRate: 0.1 },
      { mode: 'canary', percent: 50, holdS: 3 },
      { mode: 'service', holdS: 2 },
    ];
    const started = await api('PUT', '/plans/ordering', { steps, start: true });
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ status: 'running', stepIndex: 0 });
    expect(await route()).toMatchObject({ mode: 'shadow' });

    await planReaches('done', 90_000);

    expect(await route()).toMatchObject({ mode: 'service', percent: 100 });
    const planned = (await actions()).filter((entry) => entry.action.startsWith('plan.'));
    expect(planned.map((entry) => [entry.action, entry.to?.mode])).toEqual([
      ['plan.start', 'shadow'],
      ['plan.step', 'canary'],
      ['plan.step', 'service'],
      ['plan.done', undefined],
    ]);
  }, 120_000);

  it('stops and rolls back to the monolith when the service fails during the plan', async () => {
    expect((await api('PUT', '/routes/ordering', { mode: 'monolith' })).status).toBe(200);
    const steps = [
      { mode: 'canary', percent: 50, holdS: 600 },
      { mode: 'service', holdS: 2 },
    ];
    expect((await api('PUT', '/plans/ordering', { steps, start: true })).status).toBe(200);
    await until(
      async () => ((await api('GET', '/gates/ordering')).body.state as { status: string }).status === 'green',
      60_000,
      'the gate green in canary',
    );
    const fault = orderServiceFaults.errors(shop);
    await fault.inject();
    try {
      await planReaches('rolled-back', 20_000);
    } finally {
      await fault.restore();
    }
    expect(await route()).toMatchObject({ mode: 'monolith' });
    const last = (await actions()).slice(-2).map((entry) => entry.action);
    expect(last).toEqual(['gate.rollback', 'plan.rolled-back']);
  }, 120_000);
});

/** The fields a 400 problem names, each once, sorted. */
function fieldsOf(problem: Record<string, unknown>): string[] {
  return [...new Set((problem.errors as Array<{ field: string }>).map((error) => error.field))].sort();
}
