// Places 1,000 orders through HTTP while RabbitMQ is restarted in the middle, then checks that
// every order settled and every effect happened exactly once. Prints the figures; exits 1 if any
// event was lost or any effect duplicated.
// Run (real PostgreSQL and RabbitMQ, run alone: it restarts the broker): npm run chaos:broker
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import { configureHttpApp, dataSourceToken, HTTP_APP_OPTIONS, prepareApp, ProblemJsonExpressAdapter, TokenService } from '@shop/platform';
import { createTestDatabase, deleteAmqpNamespace, TEST_AMQP_URL, testAmqpNamespace, testEnv } from '@shop/testing';
import { monolithApp } from '../../apps/monolith/src/monolith.app.js';
import { waitUntil } from './support/measure.js';

const ORDERS = Number(process.env.ORDERS ?? 1000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16);
const RESTART_AFTER = Math.floor(ORDERS * 0.3);
const PRODUCTS = 10;
const STOCK = 100_000;
const SETTLE_DEADLINE_MS = 120_000;
const run = promisify(execFile);

async function main(): Promise<void> {
  const database = await createTestDatabase('chaos');
  const namespace = testAmqpNamespace('chaos');
  const { module } = prepareApp(
    monolithApp,
    testEnv({ DATABASE_URL: database.url, AMQP_URL: TEST_AMQP_URL, AMQP_NAMESPACE: namespace, LOG_LEVEL: 'error' }),
  );
  const app = await NestFactory.create(module, new ProblemJsonExpressAdapter(), HTTP_APP_OPTIONS);
  configureHttpApp(app);
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}/api/v1`;
  const tokens = app.get(TokenService);
  const admin = `Bearer ${tokens.issue({ id: randomUUID(), roles: ['admin'] }).accessToken}`;
  const customers = Array.from({ length: 50 }, () => `Bearer ${tokens.issue({ id: randomUUID(), roles: ['customer'] }).accessToken}`);
  const send = (path: string, init: { method?: string; body?: unknown; auth: string; key?: string }) =>
    fetch(`${base}${path}`, {
      method: init.method ?? 'GET',
      headers: { 'content-type': 'application/json', authorization: init.auth, ...(init.key ? { 'idempotency-key': init.key } : {}) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });

  try {
    const products: string[] = [];
    for (let i = 0; i < PRODUCTS; i += 1) {
      const response = await send('/products', {
        method: 'POST',
        auth: admin,
        body: { sku: `CHAOS-${i}-${randomUUID().slice(0, 8)}`, name: `Chaos ${i}`, priceCents: 100 + i, stock: STOCK },
      });
      products.push(((await response.json()) as { id: string }).id);
    }
    await waitUntil(
      async () => (await ordering(app).query('SELECT count(*)::int AS n FROM ordering.product_prices'))[0].n === PRODUCTS,
      10_000,
    );

    let restart: Promise<void> | undefined;
    let next = 0;
    let placed = 0;
    let retried = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < ORDERS) {
          const index = next++;
          if (index === RESTART_AFTER) restart = restartBroker();
          const key = `chaos-${index}`;
          const body = { items: [{ productId: products[index % PRODUCTS], quantity: 1 + (index % 3) }] };
          // A client retries with the same Idempotency-Key until it gets an answer: never a second order.
          for (;;) {
            const response = await send('/orders', { method: 'POST', auth: customers[index % customers.length]!, body, key }).catch(
              () => undefined,
            );
            if (response && (response.status === 201 || response.status === 200)) break;
            retried += 1;
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
          placed += 1;
        }
      }),
    );
    const placingMs = Date.now() - started;
    await restart;

    const deadline = Date.now() + SETTLE_DEADLINE_MS;
    await waitUntil(async () => (await pendingCount(app)) === 0 || Date.now() > deadline, SETTLE_DEADLINE_MS + 1000);
    const figures = await check(app, products);
    console.log(
      `orders placed:       ${placed} (HTTP retries: ${retried}; placing took ${(placingMs / 1000).toFixed(1)} s; ` +
        `broker restarted after order ${RESTART_AFTER})`,
    );
    console.log(`orders settled:      ${figures.settled} (confirmed ${figures.confirmed}, rejected ${figures.rejected})`);
    console.log(`orders in database:  ${figures.orders}`);
    console.log(`lost events:         ${figures.lost}`);
    console.log(`duplicate effects:   ${figures.duplicates}`);
    for (const line of figures.details) console.log(`  ${line}`);
    process.exitCode = figures.lost === 0 && figures.duplicates === 0 && figures.orders === ORDERS ? 0 : 1;
  } finally {
    await app.close();
    await database.drop();
    await deleteAmqpNamespace(namespace, { contexts: ['identity', 'catalog', 'ordering', 'payments'] }).catch(() => undefined);
  }
}

const ordering = (app: INestApplication) => app.get<DataSource>(dataSourceToken('ordering'));
const source = (app: INestApplication, context: string) => app.get<DataSource>(dataSourceToken(context));

async function pendingCount(app: INestApplication): Promise<number> {
  return (await ordering(app).query("SELECT count(*)::int AS n FROM ordering.orders WHERE status = 'PENDING'"))[0].n;
}

/** Lost: an order still PENDING, or an effect missing. Duplicate: any effect applied more than once. */
async function check(app: INestApplication, products: string[]) {
  const [counts] = await ordering(app).query(
    `SELECT count(*)::int AS orders,
            count(*) FILTER (WHERE status <> 'PENDING')::int AS settled,
            count(*) FILTER (WHERE status = 'CONFIRMED')::int AS confirmed,
            count(*) FILTER (WHERE status = 'REJECTED')::int AS rejected,
            count(*) FILTER (WHERE status = 'PENDING')::int AS pending
       FROM ordering.orders`,
  );
  const confirmedUnits: Array<{ product_id: string; units: number }> = await ordering(app).query(
    `SELECT line->>'productId' AS product_id, sum((line->>'quantity')::int)::int AS units
       FROM ordering.orders, jsonb_array_elements(lines) AS line WHERE status = 'CONFIRMED' GROUP BY 1`,
  );
  const stock: Array<{ id: string; stock: number }> = await source(app, 'catalog').query(
    'SELECT id, stock FROM catalog.products WHERE id = ANY($1::uuid[])',
    [products],
  );
  const [payments] = await source(app, 'payments').query(
    `SELECT count(*) FILTER (WHERE status = 'CAPTURED')::int AS captured, count(*)::int AS total,
            count(DISTINCT order_id)::int AS orders
       FROM payments.payments`,
  );
  const [reservations] = await source(app, 'catalog').query(
    "SELECT count(*) FILTER (WHERE status = 'RESERVED')::int AS reserved FROM catalog.reservations",
  );

  const expectedStock = new Map(products.map((id) => [id, STOCK]));
  for (const row of confirmedUnits) expectedStock.set(row.product_id, STOCK - row.units);
  const stockDrift = stock.reduce((sum, row) => sum + Math.abs(expectedStock.get(row.id)! - row.stock), 0);
  const extraPayments = payments.total - payments.orders;
  const capturedMismatch = Math.abs(payments.captured - counts.confirmed);
  const reservationMismatch = Math.abs(reservations.reserved - counts.confirmed);
  return {
    ...counts,
    lost: counts.pending + Math.max(0, counts.confirmed - payments.captured),
    duplicates: stockDrift + extraPayments + capturedMismatch + reservationMismatch,
    details: [
      `stock drift (units off the sum of confirmed orders): ${stockDrift}`,
      `payments: ${payments.total} rows for ${payments.orders} orders, ` +
        `${payments.captured} captured for ${counts.confirmed} confirmed orders`,
      `reservations held: ${reservations.reserved} for ${counts.confirmed} confirmed orders`,
    ],
  };
}

async function restartBroker(): Promise<void> {
  const at = Date.now();
  await run('rabbitmqctl', ['stop_app']);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  await run('rabbitmqctl', ['start_app']);
  console.log(`broker restarted (down ${((Date.now() - at) / 1000).toFixed(1)} s)`);
}

await main();
