import type { StranglerMode } from '@shop/strangler';
import { AppProcess, createTestDatabase, eventually, freePort, type TestDatabase, type TestEnv } from '@shop/testing';
import { startShop, type ShopUnderTest } from './shop.js';

/** order-service as its own process, on the monolith's database and broker namespace. */
export class OrderServiceProcess {
  private process: AppProcess | undefined;
  private readonly env: TestEnv;

  constructor(
    shopEnv: TestEnv,
    readonly port: number,
    logLevel = 'silent',
    extraEnv: TestEnv = {},
  ) {
    if (!shopEnv.DATABASE_URL || !shopEnv.AMQP_URL) throw new Error('order-service needs the shop on PostgreSQL and RabbitMQ');
    const { DATABASE_URL, AMQP_URL, AMQP_NAMESPACE, JWT_PRIVATE_KEY, JWT_PUBLIC_KEY } = shopEnv;
    this.env = {
      NODE_ENV: 'test',
      LOG_LEVEL: logLevel,
      ORDER_SERVICE_PORT: String(port),
      DATABASE_URL,
      AMQP_URL,
      AMQP_NAMESPACE,
      JWT_PRIVATE_KEY,
      JWT_PUBLIC_KEY,
      ...extraEnv,
    };
  }

  get output(): string {
    return this.process?.output.join('') ?? '';
  }

  async start(): Promise<void> {
    this.process = await AppProcess.start('order-service', this.port, this.env);
  }

  pause(): void {
    this.running().pause();
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  /** kill -9: no shutdown, connections dropped mid-work. */
  async kill(): Promise<void> {
    await this.process?.stop('SIGKILL');
    this.process = undefined;
  }

  resume(): void {
    this.running().resume();
  }

  private running(): AppProcess {
    if (!this.process) throw new Error('order-service is not running');
    return this.process;
  }

  async stop(): Promise<void> {
    this.process?.resume(); // a stalled process would never hear SIGTERM
    await this.process?.stop();
    this.process = undefined;
  }
}

export interface StrangledShop extends ShopUnderTest {
  /** The first order-service instance (there may be more: `orderServices`). */
  orderService: OrderServiceProcess;
  orderServices: OrderServiceProcess[];
  /** ordering's own database, when the shop was started with one (for handoffs). */
  ownDatabase: TestDatabase | undefined;
  admin: string;
  route: (mode: StranglerMode, percent?: number) => Promise<void>;
  /** Starts a handoff of ordering and answers the handoff once it has ended (or is held). */
  handoff: (direction: 'out' | 'back', options?: { until?: string; resume?: boolean }) => Promise<Record<string, unknown>>;
}

/** A handoff has ended (or waits for an operator) in these. */
const HANDOFF_ENDS = new Set(['done', 'failed', 'aborted', 'interrupted', 'held']);

/**
 * The monolith (in this process) with order-service (its own process, or several) on one PostgreSQL
 * database and one RabbitMQ namespace, ordering routed to `mode`. With `ownDatabase`, every
 * order-service instance is also given ordering's own database, so its data can be handed off.
 */
export async function startStrangledShop(
  mode: StranglerMode,
  options: {
    percent?: number;
    env?: Record<string, string>;
    /** Given to every order-service instance besides the shop's environment. */
    serviceEnv?: Record<string, string>;
    serviceLogLevel?: string;
    services?: number;
    ownDatabase?: boolean;
  } = {},
): Promise<StrangledShop> {
  const shop = await startShop({ transport: 'amqp', env: options.env });
  const ownDatabase = options.ownDatabase ? await createTestDatabase('ordering_own') : undefined;
  const serviceEnv = { ...(ownDatabase ? { ORDERING_OWN_DATABASE_URL: ownDatabase.url } : {}), ...options.serviceEnv };
  const orderServices: OrderServiceProcess[] = [];
  for (let i = 0; i < (options.services ?? 1); i += 1) {
    orderServices.push(new OrderServiceProcess(shop.env, await freePort(), options.serviceLogLevel, serviceEnv));
  }
  const admin = shop.bearer(['admin']);
  const route = async (next: StranglerMode, percent?: number) => {
    const response = await shop
      .http()
      .put('/api/v1/admin/strangler/routes/ordering')
      .set('Authorization', admin)
      .send(percent === undefined ? { mode: next } : { mode: next, percent });
    if (response.status !== 200)
      throw new Error(`routing ordering to ${next} answered ${response.status}: ${JSON.stringify(response.body)}`);
  };
  const handoff = async (direction: 'out' | 'back', { until, resume = false }: { until?: string; resume?: boolean } = {}) => {
    const started = resume
      ? await shop.http().post('/api/v1/admin/strangler/handoffs/ordering/resume').set('Authorization', admin)
      : await shop
          .http()
          .post('/api/v1/admin/strangler/handoffs/ordering')
          .set('Authorization', admin)
          .send({ direction, ...(until ? { until } : {}) });
    if (started.status !== 202 && started.status !== 200) {
      throw new Error(`handoff ${direction} answered ${started.status}: ${JSON.stringify(started.body)}`);
    }
    return eventually(
      async () => {
        const { body } = await shop.http().get('/api/v1/admin/strangler/handoffs/ordering').set('Authorization', admin).expect(200);
        return HANDOFF_ENDS.has(body.status) ? (body as Record<string, unknown>) : undefined;
      },
      60_000,
      `the handoff ${direction} ended`,
      100,
    );
  };
  try {
    await Promise.all(orderServices.map((service) => service.start()));
    if (mode !== 'monolith') await route(mode, options.percent);
  } catch (error) {
    await Promise.all(orderServices.map((service) => service.stop()));
    await shop.close();
    await ownDatabase?.drop();
    throw error;
  }
  return {
    ...shop,
    orderService: orderServices[0]!,
    orderServices,
    ownDatabase,
    admin,
    route,
    handoff,
    close: async () => {
      await Promise.all(orderServices.map((service) => service.stop()));
      await shop.close();
      await ownDatabase?.drop();
    },
  };
}
