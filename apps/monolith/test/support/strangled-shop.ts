import type { StranglerMode } from '@shop/strangler';
import { AppProcess, freePort, type TestEnv } from '@shop/testing';
import { startShop, type ShopUnderTest } from './shop.js';

/** order-service as its own process, on the monolith's database and broker namespace. */
export class OrderServiceProcess {
  private process: AppProcess | undefined;
  private readonly env: TestEnv;

  constructor(
    shopEnv: TestEnv,
    readonly port: number,
    logLevel = 'silent',
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
  orderService: OrderServiceProcess;
  admin: string;
  route: (mode: StranglerMode, percent?: number) => Promise<void>;
}

/**
 * The monolith (in this process) with order-service (its own process) on one PostgreSQL database
 * and one RabbitMQ namespace, ordering routed to `mode`.
 */
export async function startStrangledShop(
  mode: StranglerMode,
  options: { percent?: number; env?: Record<string, string>; serviceLogLevel?: string } = {},
): Promise<StrangledShop> {
  const shop = await startShop({ transport: 'amqp', env: options.env });
  const orderService = new OrderServiceProcess(shop.env, await freePort(), options.serviceLogLevel);
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
  try {
    await orderService.start();
    if (mode !== 'monolith') await route(mode, options.percent);
  } catch (error) {
    await orderService.stop();
    await shop.close();
    throw error;
  }
  return {
    ...shop,
    orderService,
    admin,
    route,
    close: async () => {
      await orderService.stop();
      await shop.close();
    },
  };
}
