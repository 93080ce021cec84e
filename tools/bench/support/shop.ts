// The shop as a benchmark runs it: the built monolith (and order-service, and the bare Node.js floor)
// as processes on a database and a RabbitMQ namespace of their own, an admin token, and a small HTTP
// client for the set-up.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { TokenService } from '@shop/platform';
import {
  createTestDatabase,
  deleteAmqpNamespace,
  freePort,
  TEST_AMQP_URL,
  testAmqpNamespace,
  testEnv,
  type TestDatabase,
} from '@shop/testing';
import { sweepNamespace } from './broker.js';
import { ChildApp } from './processes.js';

const CONTEXTS = ['identity', 'catalog', 'ordering', 'payments'];

export type OnCleanup = (what: string, run: () => Promise<unknown>) => void;

export interface Answer {
  status: number;
  servedBy: string | null;
  body: Record<string, unknown>;
}

export interface BenchShop {
  monolith: ChildApp;
  orderService?: ChildApp;
  /** The bare Node.js server doing a GET's work (floor-server.ts), and its http://…/api/v1. */
  floor?: ChildApp;
  floorBase?: string;
  /** The shared database, and a client of it for what the benchmark reads or seeds directly. */
  database: TestDatabase;
  db: pg.Client;
  /** ordering's own database, when started with one (for handoffs). */
  ownDatabase?: TestDatabase;
  /** http://127.0.0.1:<monolith>/api/v1 */
  base: string;
  admin: string;
  bearer(roles: string[], id?: string): string;
  /** A call to the monolith's API (anonymous without `auth`); a body gets a fresh Idempotency-Key. */
  send(method: string, path: string, auth?: string, body?: unknown): Promise<Answer>;
}

export interface BenchShopOptions {
  name: string;
  logLevel: string;
  /** Node flags of both processes (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** The monolith's entry point, relative to the workspace (the plain monolith by default). */
  monolithScript?: string;
  /** Starts order-service beside the monolith (default: yes; it needs `amqp`). */
  orderService?: boolean;
  /** Integration events over RabbitMQ (default: yes); without, in-process, as `npm start` runs. */
  amqp?: boolean;
  /** Starts the floor server on the same database. */
  floor?: boolean;
  /** The database URL the apps are given, e.g. through a proxy that counts round trips. */
  databaseUrl?: (url: string) => string;
  /** Gives order-service a database of ordering's own (ORDERING_OWN_DATABASE_URL). */
  ownDatabase?: boolean;
  /** More environment for both apps (e.g. OTEL_SDK_DISABLED). */
  env?: Record<string, string>;
}

export function expectStatus(what: string, status: number, actual: { status: number; body: unknown }): void {
  if (actual.status !== status) throw new Error(`${what}: expected ${status}, got ${actual.status} ${JSON.stringify(actual.body)}`);
}

/** Starts the shop; everything it creates is undone by the cleanups it registers. */
export async function startBenchShop(options: BenchShopOptions, onCleanup: OnCleanup): Promise<BenchShop> {
  const database = await createTestDatabase(options.name);
  onCleanup(`drop the ${options.name} database`, () => database.drop());
  const ownDatabase = options.ownDatabase ? await createTestDatabase(`${options.name}_ordering`) : undefined;
  if (ownDatabase) onCleanup("drop ordering's own database", () => ownDatabase.drop());
  const amqp = options.amqp ?? true;
  const namespace = testAmqpNamespace(options.name);
  if (amqp)
    onCleanup(`delete the ${options.name} broker namespace`, async () => {
      await deleteAmqpNamespace(namespace, { contexts: CONTEXTS, services: ['ordering'] });
      await sweepNamespace(namespace);
    });
  const dataDir = mkdtempSync(join(tmpdir(), 'shop-bench-'));
  onCleanup('remove the data dir', async () => rmSync(dataDir, { recursive: true, force: true }));

  const keys = testEnv();
  const tokens = new TokenService({ privateKey: keys.JWT_PRIVATE_KEY!, publicKey: keys.JWT_PUBLIC_KEY! });
  const bearer = (roles: string[], id: string = randomUUID()) => `Bearer ${tokens.issue({ id, roles }).accessToken}`;
  const [monolithPort, servicePort, floorPort] = [await freePort(), await freePort(), await freePort()];
  const env = {
    NODE_ENV: 'production',
    LOG_LEVEL: options.logLevel,
    DATA_DIR: dataDir,
    DATABASE_URL: options.databaseUrl?.(database.url) ?? database.url,
    ...(amqp ? { AMQP_URL: TEST_AMQP_URL, AMQP_NAMESPACE: namespace } : {}),
    JWT_PRIVATE_KEY: keys.JWT_PRIVATE_KEY!,
    JWT_PUBLIC_KEY: keys.JWT_PUBLIC_KEY!,
    ADMIN_EMAIL: 'admin@bench.test',
    ADMIN_PASSWORD: randomBytes(12).toString('hex'),
    ...options.env,
  };
  const nodeArgs = options.nodeArgs ?? [];
  const monolith = await ChildApp.start(
    'monolith',
    options.monolithScript ?? 'dist/apps/monolith/src/main.js',
    monolithPort,
    { ...env, PORT: String(monolithPort) },
    { nodeArgs },
  );
  onCleanup('stop the monolith', () => monolith.stop());
  const orderService =
    (options.orderService ?? true)
      ? await ChildApp.start(
          'order-service',
          'dist/apps/order-service/src/main.js',
          servicePort,
          { ...env, ORDER_SERVICE_PORT: String(servicePort), ...(ownDatabase ? { ORDERING_OWN_DATABASE_URL: ownDatabase.url } : {}) },
          { nodeArgs },
        )
      : undefined;
  if (orderService) onCleanup('stop order-service', () => orderService.stop());
  const floor = options.floor
    ? await ChildApp.start('floor', 'dist/tools/bench/support/floor-server.js', floorPort, {
        NODE_ENV: 'production',
        PORT: String(floorPort),
        DATABASE_URL: database.url,
        JWT_PUBLIC_KEY: keys.JWT_PUBLIC_KEY!,
      })
    : undefined;
  if (floor) onCleanup('stop the floor server', () => floor.stop());

  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  onCleanup('close the database client', () => db.end());

  const base = `http://127.0.0.1:${monolithPort}/api/v1`;
  const send = async (method: string, path: string, auth?: string, body?: unknown): Promise<Answer> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(auth === undefined ? {} : { authorization: auth }),
        ...(body === undefined ? {} : { 'content-type': 'application/json', 'idempotency-key': randomUUID() }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      servedBy: response.headers.get('x-served-by'),
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    };
  };
  const floorBase = floor ? `http://127.0.0.1:${floorPort}/api/v1` : undefined;
  return { monolith, orderService, floor, floorBase, database, db, ownDatabase, base, admin: bearer(['admin']), bearer, send };
}
