import type { AppConfig, StranglerMode } from '@shop/platform';
import { AppProcess, freePort } from '@shop/platform/testing';
import { startShop, type ShopUnderTest } from './shop.js';

/** order-service as its own process, on the monolith's database and broker namespace. */
export class OrderServiceProcess {
  private process: AppProcess | undefined;
  private readonly env: Record<string, string>;

  constructor(config: AppConfig, port: number, logLevel = 'silent') {
    if (config.database.kind !== 'postgres' || !config.amqpUrl) throw new Error('order-service needs the shop on PostgreSQL and RabbitMQ');
    this.env = {
      NODE_ENV: 'test',
      LOG_LEVEL: logLevel,
      ORDER_SERVICE_PORT: String(port),
      DATABASE_URL: config.database.url,
      AMQP_URL: config.amqpUrl,
      AMQP_NAMESPACE: config.amqpNamespace,
      JWT_PRIVATE_KEY: config.jwt.privateKey!,
      JWT_PUBLIC_KEY: config.jwt.publicKey!,
    };
    this.port = port;
  }

  readonly port: number;

  get output(): string {
    return this.process?.output.join('') ?? '';
  }

  async start(): Promise<void> {
    this.process = await AppProcess.start('order-service', this.port, this.env);
  }

  async stop(): Promise<void> {
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
export async function startStrangledShop(mode: StranglerMode, options: { percent?: number; env?: Record<string, string> } = {}): Promise<StrangledShop> {
  const shop = await startShop({ transport: 'amqp', env: options.env });
  const orderService = new OrderServiceProcess(shop.config, await freePort());
  const admin = shop.bearer(['admin']);
  const route = async (next: StranglerMode, percent?: number) => {
    const response = await shop.http().put('/api/v1/admin/strangler/routes/ordering').set('Authorization', admin).send(percent === undefined ? { mode: next } : { mode: next, percent });
    if (response.status !== 200) throw new Error(`routing ordering to ${next} answered ${response.status}: ${JSON.stringify(response.body)}`);
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
