import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { TokenService } from '@shop/platform';
import { AppProcess, freePort } from './app-process.js';
import { TcpProxy } from './tcp-proxy.js';
import { deleteAmqpNamespace, TEST_AMQP_URL, testAmqpNamespace } from './test-broker.js';
import { createTestDatabase, TEST_POSTGRES_URL, type TestDatabase } from './test-database.js';
import { testEnv, type TestEnv } from './test-app.js';

const SHOP_CONTEXTS = ['identity', 'catalog', 'ordering', 'payments'];
const SERVICES = ['ordering'];

export interface ShopProcessesOptions {
  /** order-service instances started beside the monolith. */
  orderServices?: number;
  /** Monolith instances (each on its own port and links, sharing the database); 1 unless given. */
  monoliths?: number;
  /** Extra environment of the monolith (e.g. STRANGLER_TIMEOUT_MS). */
  monolithEnv?: TestEnv;
  /** LOG_LEVEL of every app. */
  logLevel?: string;
  label?: string;
  /** Gives every order-service instance a database of ordering's own (ORDERING_OWN_DATABASE_URL), for handoffs. */
  ownDatabase?: boolean;
}

export type Server = 'postgres' | 'broker';

/** One app's ways to the shared servers: a proxy each, so a test can cut them for this app alone. */
export type Links = Record<Server, TcpProxy>;

/** A running app: its process, its HTTP port and its links. */
export interface AppInstance {
  readonly port: number;
  readonly process: AppProcess;
  readonly links: Links;
}

/**
 * The shop as it is deployed: the monolith and order-service instances as processes of their own
 * (built apps, see AppProcess), on a fresh database and broker namespace. Every app reaches
 * PostgreSQL and RabbitMQ through TcpProxy instances of its own, so that a test can take either
 * server away from every app (`cut('broker')`) or from one (`instance.links.broker.cut()`) without
 * touching the shared servers. Tokens are minted with the shop's key pair.
 */
export class ShopProcesses {
  monolith: AppInstance;
  /** Every monolith instance started: the first is `monolith`; a killed one stays here (see `running`). */
  readonly monoliths: AppInstance[] = [];
  readonly orderServices: AppInstance[] = [];
  private readonly reader: pg.Pool;
  private readonly retired: Links[] = [];
  private closed = false;

  private constructor(
    readonly database: TestDatabase,
    /** ordering's own database, when started with one. */
    readonly ownDatabase: TestDatabase | undefined,
    readonly namespace: string,
    private readonly env: TestEnv,
    private readonly monolithEnv: TestEnv,
    private readonly tokens: TokenService,
    monolith: AppInstance,
  ) {
    this.monolith = monolith;
    this.monoliths.push(monolith);
    // The test reads the databases directly, not through a proxy: its view survives the faults it injects.
    this.reader = new pg.Pool({ connectionString: database.url, max: 4 });
    // An idle connection ended by the server (the database dropped at close) must not take the test process with it.
    this.reader.on('error', () => undefined);
  }

  static async start(options: ShopProcessesOptions = {}): Promise<ShopProcesses> {
    const label = options.label ?? 'processes';
    const database = await createTestDatabase(label);
    const ownDatabase = options.ownDatabase ? await createTestDatabase(`${label}_ordering`) : undefined;
    const namespace = testAmqpNamespace(label);
    const env = testEnv({ LOG_LEVEL: options.logLevel ?? 'warn', AMQP_NAMESPACE: namespace, DATABASE_URL: database.url });
    const monolithEnv = { ...env, ADMIN_EMAIL: 'admin@shop.test', ADMIN_PASSWORD: randomUUID(), ...options.monolithEnv };
    const tokens = new TokenService({ privateKey: env.JWT_PRIVATE_KEY!, publicKey: env.JWT_PUBLIC_KEY! });
    let links: Links | undefined;
    try {
      links = await openLinks();
      const port = await freePort();
      const monolith = { port, links, process: await AppProcess.start('monolith', port, withLinks(monolithEnv, links, { PORT: port })) };
      const shop = new ShopProcesses(database, ownDatabase, namespace, env, monolithEnv, tokens, monolith);
      try {
        // One after the other: the first migrated the database; the others find it ready.
        for (let i = 1; i < (options.monoliths ?? 1); i += 1) await shop.startAnotherMonolith();
        await Promise.all(Array.from({ length: options.orderServices ?? 1 }, () => shop.startOrderService()));
      } catch (error) {
        await shop.close();
        throw error;
      }
      return shop;
    } catch (error) {
      if (links) await closeLinks(links);
      await dropAll(database, namespace, ownDatabase);
      throw error;
    }
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.monolith.port}`;
  }

  /** `Authorization` header value for a user with these roles (a fresh id unless given). */
  bearer(roles: string[] = ['customer'], userId: string = randomUUID()): string {
    return `Bearer ${this.tokens.issue({ id: userId, roles }).accessToken}`;
  }

  /** A read of the shop's database, outside the proxies. */
  async sql<Row = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<Row[]> {
    return (await this.reader.query(query, params)).rows as Row[];
  }

  /** Takes a server away from every app: their connections drop and new ones are refused. */
  cut(server: Server): void {
    for (const links of this.allLinks()) links[server].cut();
  }

  /** Gives a server back to every app. */
  restore(server: Server): void {
    for (const links of this.allLinks()) links[server].restore();
  }

  /** The base URL of each monolith instance, in the order they were started. */
  get baseUrls(): string[] {
    return this.monoliths.map((instance) => `http://127.0.0.1:${instance.port}`);
  }

  /** Starts one more monolith instance (its own port and links, the same database and broker) and waits until it is ready. */
  async startAnotherMonolith(): Promise<AppInstance> {
    const links = await openLinks();
    const port = await freePort();
    try {
      const process = await AppProcess.start('monolith', port, withLinks(this.monolithEnv, links, { PORT: port }));
      await this.refuseIfClosed(process);
      const instance = { port, links, process };
      this.monoliths.push(instance);
      return instance;
    } catch (error) {
      await closeLinks(links);
      throw error;
    }
  }

  /** kill -9 of one monolith instance (0 is `monolith`); its links are kept until close. */
  async killMonolithAt(index: number): Promise<void> {
    const instance = this.monoliths[index];
    if (!instance) throw new Error(`no monolith instance ${index}`);
    await instance.process.stop('SIGKILL');
  }

  /** Starts one more order-service instance and waits until it is ready. */
  async startOrderService(): Promise<AppInstance> {
    const links = await openLinks();
    const port = await freePort();
    const { NODE_ENV, LOG_LEVEL, DATABASE_URL, AMQP_NAMESPACE, JWT_PRIVATE_KEY, JWT_PUBLIC_KEY } = this.env;
    const env = {
      NODE_ENV,
      LOG_LEVEL,
      DATABASE_URL,
      AMQP_NAMESPACE,
      JWT_PRIVATE_KEY,
      JWT_PUBLIC_KEY,
      ...(this.ownDatabase ? { ORDERING_OWN_DATABASE_URL: links.postgres.rewrite(this.ownDatabase.url) } : {}),
    };
    try {
      const process = await AppProcess.start('order-service', port, withLinks(env, links, { ORDER_SERVICE_PORT: port }));
      await this.refuseIfClosed(process);
      const instance = { port, links, process };
      this.orderServices.push(instance);
      return instance;
    } catch (error) {
      await closeLinks(links);
      throw error;
    }
  }

  /** kill -9 of one order-service instance; it is no longer counted among the instances. */
  async killOrderService(index: number): Promise<void> {
    const [instance] = this.orderServices.splice(index, 1);
    if (!instance) throw new Error(`no order-service instance ${index}`);
    await instance.process.stop('SIGKILL');
    this.retired.push(instance.links);
  }

  /** kill -9 of the monolith. */
  async killMonolith(): Promise<void> {
    await this.monolith.process.stop('SIGKILL');
  }

  /** Starts the monolith again, on the same port, with the same environment and links, and waits until it is ready. */
  async startMonolith(): Promise<void> {
    const { port, links } = this.monolith;
    const process = await AppProcess.start('monolith', port, withLinks(this.monolithEnv, links, { PORT: port }));
    await this.refuseIfClosed(process);
    this.monolith = { port, links, process };
    this.monoliths[0] = this.monolith;
  }

  /** A process that came up while close() ran would be left behind: it is killed instead. */
  private async refuseIfClosed(process: AppProcess): Promise<void> {
    if (!this.closed) return;
    await process.stop('SIGKILL');
    throw new Error('the shop was closed while a process started');
  }

  /** The processes that should be running and are not (they exited by themselves), each with how it ended and its last words. */
  exited(): string[] {
    return this.named()
      .filter(([, process]) => !process.running)
      .map(([name, process]) => `${name} exited (${process.ending}): ${process.output.join('').slice(-1000)}`);
  }

  /** Everything every process printed (for a failure's evidence). */
  output(): string {
    return this.named()
      .map(([name, process]) => `--- ${name}\n${process.output.join('')}`)
      .join('\n');
  }

  /** Last resort (a process exit handler, say): SIGKILL to every process at once, synchronously. */
  killAll(): void {
    for (const [, process] of this.named()) process.kill();
  }

  /** Kills every process (stalled ones included), stops the proxies, drops the database and the namespace. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(
      this.named().map(([, process]) => {
        process.resume();
        return process.stop('SIGKILL');
      }),
    );
    await Promise.all(this.allLinks().map(closeLinks));
    await this.reader.end().catch(() => undefined);
    await dropAll(this.database, this.namespace, this.ownDatabase);
  }

  private named(): Array<[string, AppProcess]> {
    return [
      ['monolith', this.monolith.process],
      ...this.monoliths.slice(1).map((instance, i): [string, AppProcess] => [`monolith ${i + 1}`, instance.process]),
      ...this.orderServices.map((instance, i): [string, AppProcess] => [`order-service ${i}`, instance.process]),
    ];
  }

  private allLinks(): Links[] {
    return [
      this.monolith.links,
      ...this.monoliths.slice(1).map((instance) => instance.links),
      ...this.orderServices.map((instance) => instance.links),
      ...this.retired,
    ];
  }
}

async function openLinks(): Promise<Links> {
  return {
    postgres: await TcpProxy.start(hostAndPort(TEST_POSTGRES_URL, 5432)),
    broker: await TcpProxy.start(hostAndPort(TEST_AMQP_URL, 5672)),
  };
}

const closeLinks = async (links: Links): Promise<void> => void (await Promise.all([links.postgres.stop(), links.broker.stop()]));

/** The environment with the database and broker reached through the links, and the app's port. */
function withLinks(env: TestEnv, links: Links, port: Record<string, number>): TestEnv {
  const [[name, value]] = Object.entries(port) as [[string, number]];
  return {
    ...env,
    DATABASE_URL: links.postgres.rewrite(env.DATABASE_URL!),
    AMQP_URL: links.broker.rewrite(TEST_AMQP_URL),
    [name]: String(value),
  };
}

function hostAndPort(url: string, defaultPort: number): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || defaultPort) };
}

async function dropAll(database: TestDatabase, namespace: string, ownDatabase?: TestDatabase): Promise<void> {
  await database.drop().catch(() => undefined);
  await ownDatabase?.drop().catch(() => undefined);
  await deleteAmqpNamespace(namespace, { contexts: SHOP_CONTEXTS, services: SERVICES }).catch(() => undefined);
}
