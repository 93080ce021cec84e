// The benchmark suite: what the strangler costs, side by side, how far the app is from a bare Node.js
// floor, and how long a handoff freezes writes, in one run. Starts what it needs on the real PostgreSQL
// and RabbitMQ, warms up, measures the paths alternately in several rounds, prints one table and writes
// it to docs/benchmarks.md.
//
//   npm run bench                                   # full run, ~12 minutes on 2 cores
//   ROUNDS=2 DURATION=2 STARTS=1 BENCH_OUTPUT=/tmp/bench.md npm run bench    # quick look
//
// Environment (docs/benchmarks.md): ROUNDS (5), DURATION seconds per measurement (5), SLICES it is
// cut into to alternate the variants compared (5), WARMUP seconds before each (1), OUTBOX_SECONDS per
// outbox round (DURATION), STARTS start-up measurements per database (3), BENCH_OUTPUT
// (docs/benchmarks.md), BENCH_LOG_LEVEL of the apps (warn), BENCH_ONLY (a comma-separated subset of
// get,list,place,trips,echo,outbox,idle,starts,handoff,tracing,rollback,shadow), IDLE_SECONDS (30), TRIP_ORDERS (200),
// HANDOFFS round trips of ordering's data (3), HANDOFF_ORDERS in its schema meanwhile (10000), ROLLBACK_DRILLS per
// fault (20), ROLLBACK_FAULTS drilled (errors,slow), SHADOW_SAMPLE_PERCENT of reads path 12 mirrors (100; the
// target is judged at 100 only, a lower share measures the operator's lever, 0 the bench's own noise),
// BENCH_CHILD_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
// for the monolith and order-service of the shop paths), TEST_POSTGRES_URL, TEST_AMQP_URL.
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { createTestDatabase, deleteAmqpNamespace, freePort, TEST_AMQP_URL, TEST_POSTGRES_URL, testAmqpNamespace } from '@shop/testing';
import { sweepNamespace } from './support/broker.js';
import { bareEcho, nestEcho, ourEcho, type EchoChannel } from './support/echo.js';
import { describeEnvironment } from './support/environment.js';
import { handoffFreeze } from './support/handoff-freeze.js';
import { httpLoad } from './support/http-load.js';
import { combine, measure, sleep, waitUntil, type LoadFigures } from './support/measure.js';
import { OutboxProbe, type OutboxFigures, type OutboxTransportKind } from './support/outbox-latency.js';
import { PgRoundTripCounter } from './support/pg-round-trips.js';
import { ChildApp, machineCpuSeconds, processNamed, type CpuAccount } from './support/processes.js';
import { render, writeReport, type Results } from './support/report.js';
import { ROLLBACK_FAULT_KINDS, rollbackDrills, type RollbackFaultKind } from './support/rollback-drills.js';
import { expectStatus, startBenchShop, type BenchShop } from './support/shop.js';

const int = (name: string, fallback: number) => Math.max(1, Math.round(Number(process.env[name] ?? fallback)));
const seconds = (name: string, fallback: number) => Math.max(0.5, Number(process.env[name] ?? fallback));
const ROUNDS = int('ROUNDS', 5);
const DURATION = seconds('DURATION', 5);
const WARMUP = seconds('WARMUP', 1);
/** Variants compared in a round (the GETs, the echoes) alternate in this many slices of DURATION / SLICES seconds each. */
const SLICES = int('SLICES', 5);
/** Unmeasured lead-in of each HTTP slice: 32 connections opening at once are not what is measured. */
const SLICE_SETTLE_SECONDS = 0.3;
const OUTBOX_SECONDS = seconds('OUTBOX_SECONDS', DURATION);
const STARTS = int('STARTS', 3);
/** Round trips of ordering's data (out, then back) and the orders in the schema while it moves. */
const HANDOFFS = int('HANDOFFS', 3);
const HANDOFF_ORDERS = int('HANDOFF_ORDERS', 10_000);
const ROLLBACK_DRILLS = int('ROLLBACK_DRILLS', 20);
const ROLLBACK_FAULTS = (process.env.ROLLBACK_FAULTS ?? ROLLBACK_FAULT_KINDS.join(','))
  .split(',')
  .map((part) => part.trim())
  .filter((part): part is RollbackFaultKind => (ROLLBACK_FAULT_KINDS as readonly string[]).includes(part));
const OUTPUT = process.env.BENCH_OUTPUT ?? new URL('../../../docs/benchmarks.md', import.meta.url).pathname;
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'warn';
const SHADOW_SAMPLE_PERCENT = Math.min(100, Math.max(0, Math.round(Number(process.env.SHADOW_SAMPLE_PERCENT ?? 100))));
/** Long enough to see the relays' 15 s safety-net poll (ADR 0033). */
const IDLE_SECONDS = seconds('IDLE_SECONDS', 30);
const ONLY = new Set(
  (process.env.BENCH_ONLY ?? 'get,list,place,trips,echo,outbox,idle,starts,handoff,tracing,rollback,shadow')
    .split(',')
    .map((part) => part.trim()),
);
const CHILD_NODE_ARGS = (process.env.BENCH_CHILD_NODE_ARGS ?? '').split(' ').filter(Boolean);
/** The high concurrency of every path; the low one is 1. */
const C = 32;
const OUTBOX_RATE = 200;
/** A route change is in force on the instance that made it at once, on others within 1 s (ADR 0018); wait that long anyway. */
const SWITCH_WAIT_MS = 1000;
/** How often the placed orders in flight are checked for settlement (one query for all of them). */
const SETTLE_POLL_MS = 5;
/** Products the orders are placed for; */
const PRODUCTS = 10;
/** … and in all, so that the first page of GET /products (20) is full. */
const LIST_PRODUCTS = 30;

type Mode = 'monolith' | 'service';

/** Cleanups run in reverse order, on success, on failure and on Ctrl-C. */
const cleanups: Array<{ what: string; run: () => Promise<unknown> }> = [];
const onCleanup = (what: string, run: () => Promise<unknown>) => cleanups.push({ what, run });
async function cleanUp(): Promise<void> {
  for (const { what, run } of cleanups.splice(0).reverse()) {
    await run().catch((error: unknown) => console.error(`cleanup (${what}) failed: ${(error as Error).message}`));
  }
}

const log = (line: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
const fmt = (figures: LoadFigures) =>
  `${figures.perSecond.toFixed(0)}/s p50 ${figures.p50Ms.toFixed(2)} ms p99 ${figures.p99Ms.toFixed(2)} ms`;

/** RabbitMQ's Erlang VM, when it runs on this machine: its CPU per call is reported too. */
const broker = processNamed('beam.smp', 'rabbitmq');

interface Measured {
  figures: LoadFigures;
  /** CPU milliseconds per call, by process (`bench` is this process). */
  cpuMsPerCall: Record<string, number>;
  busyPercent: number;
}

/**
 * Measures each of `keys` for `seconds` in total, in `slices` slices that alternate between the keys
 * (A B, B A, A B …), and combines each key's slices: variants compared this way see the same
 * moments of the machine. Also counts where the CPU went: ms per call of each account and of this
 * process, and how busy the machine was.
 */
async function interleave(
  keys: string[],
  slices: number,
  accounts: CpuAccount[],
  load: (key: string, seconds: number) => Promise<LoadFigures>,
  seconds = DURATION,
): Promise<Record<string, Measured>> {
  const parts = new Map(keys.map((key) => [key, { figures: [] as LoadFigures[], cpuMs: {} as Record<string, number>, busy: 0, total: 0 }]));
  for (let slice = 0; slice < slices; slice += 1) {
    for (const key of slice % 2 === 0 ? keys : [...keys].reverse()) {
      const part = parts.get(key)!;
      const before = { accounts: accounts.map((account) => account.cpuSeconds()), self: process.cpuUsage(), machine: machineCpuSeconds() };
      part.figures.push(await load(key, seconds / slices));
      const machine = machineCpuSeconds();
      const self = process.cpuUsage(before.self);
      accounts.forEach(
        (account, i) => (part.cpuMs[account.name] = (part.cpuMs[account.name] ?? 0) + (account.cpuSeconds() - before.accounts[i]!) * 1000),
      );
      part.cpuMs.bench = (part.cpuMs.bench ?? 0) + (self.user + self.system) / 1000;
      part.busy += machine.busy - before.machine.busy;
      part.total += machine.total - before.machine.total;
    }
  }
  return Object.fromEntries(
    [...parts].map(([key, part]) => {
      const figures = combine(part.figures);
      const cpuMsPerCall = Object.fromEntries(
        Object.entries(part.cpuMs).map(([name, ms]) => [name, ms / (figures.allCalls ?? figures.count)]),
      );
      return [key, { figures, cpuMsPerCall, busyPercent: (100 * part.busy) / part.total }];
    }),
  );
}

/** Keeps a round's figures of one variant and logs them. */
function record(results: Results, key: string, round: number, c1: Measured, cHigh: Measured): void {
  (results.load[key] ??= []).push({ c1: c1.figures, cHigh: cHigh.figures, cpuMsPerCall: cHigh.cpuMsPerCall });
  const cpu = Object.entries(cHigh.cpuMsPerCall).map(([name, ms]) => `${name} ${ms.toFixed(2)}`);
  log(
    `round ${round + 1}/${ROUNDS} ${key}: c1 ${fmt(c1.figures)} | c${C} ${fmt(cHigh.figures)} | ` +
      `CPU ms/call ${cpu.join(', ')}; machine ${cHigh.busyPercent.toFixed(0)}% busy`,
  );
}

async function main(): Promise<void> {
  const started = Date.now();
  log(`rounds ${ROUNDS}, ${DURATION} s per measurement after ${WARMUP} s of warm-up, concurrency 1 and ${C}`);
  const environment = await describeEnvironment(TEST_POSTGRES_URL, TEST_AMQP_URL);
  const results: Results = {
    rounds: ROUNDS,
    durationSeconds: DURATION,
    concurrency: C,
    load: {},
    outbox: {},
    memory: {},
    starts: {},
  };

  const stages: Array<[boolean, (results: Results) => Promise<void>]> = [
    [ONLY.has('get') || ONLY.has('list') || ONLY.has('place'), shopPaths],
    [ONLY.has('place'), inProcessPlacing],
    [ONLY.has('echo'), echoPaths],
    [ONLY.has('outbox'), outboxPaths],
    [ONLY.has('idle'), idleRoundTrips],
    [ONLY.has('trips'), roundTripsPerOrder],
    [ONLY.has('starts'), startTimes],
    [ONLY.has('handoff'), handoffWindow],
    [ONLY.has('tracing'), tracingCost],
    [ONLY.has('rollback'), rollbackTimes],
    [ONLY.has('shadow'), shadowCost],
  ];
  for (const [wanted, stage] of stages) {
    if (!wanted) continue;
    await quiesce();
    await stage(results);
  }

  results.wallSeconds = (Date.now() - started) / 1000;
  const { table, targets } = render(results);
  console.log(`\n${table}\n\n${targets}\n`);
  writeReport(OUTPUT, results, environment);
  log(`written to ${OUTPUT}; wall time ${(results.wallSeconds / 60).toFixed(1)} min`);
}

/**
 * Before each stage, waits (up to 30 s) until the machine is nearly idle: what the previous stage
 * left behind (PostgreSQL dropping a database, the broker deleting queues, autovacuum) must not be
 * measured as part of the next.
 */
async function quiesce(): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const before = machineCpuSeconds();
    await sleep(1000);
    const after = machineCpuSeconds();
    const busy = (after.busy - before.busy) / (after.total - before.total);
    if (busy < 0.1) return;
    if (Date.now() > deadline) return log(`machine still ${(busy * 100).toFixed(0)}% busy; going on`);
  }
}

// ---------------------------------------------------------------- shop helpers

/** Products with stock for every order the run places, priced under the payment limit; ordering must know their prices. */
async function seedProducts(send: BenchShop['send'], admin: string, db: pg.Client, count: number): Promise<string[]> {
  const products: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const created = await send('POST', '/products', admin, {
      sku: `BENCH-${String(i).padStart(2, '0')}-${randomUUID().slice(0, 8)}`,
      name: `Bench ${i}`,
      priceCents: 100 + i,
      stock: 1_000_000,
    });
    expectStatus('create product', 201, created);
    products.push(created.body.id as string);
  }
  await waitUntil(
    async () => (await db.query('SELECT count(*)::int AS n FROM ordering.product_prices')).rows[0].n === count,
    30_000,
    'ordering knows the prices',
  );
  return products;
}

/**
 * Settlement is watched in the database by one batched query every SETTLE_POLL_MS for every order in
 * flight: clients polling GET /orders/:id would add a GET load of their own (at c32 it saturated the
 * monolith and measured GETs, which paths 1 and 2 measure already). `settled(id)` resolves once the
 * order is CONFIRMED and fails if it settled otherwise.
 */
function watchSettlements(db: pg.Client): { settled: (orderId: string) => Promise<void>; stop: () => Promise<void> } {
  const settling = new Map<string, { resolve: () => void; reject: (error: Error) => void }>();
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      await sleep(SETTLE_POLL_MS);
      if (settling.size === 0) continue;
      try {
        const { rows } = await db.query<{ id: string; status: string }>(
          "SELECT id, status FROM ordering.orders WHERE id = ANY($1::uuid[]) AND status <> 'PENDING'",
          [[...settling.keys()]],
        );
        for (const { id, status } of rows) {
          const waiter = settling.get(id)!;
          settling.delete(id);
          if (status === 'CONFIRMED') waiter.resolve();
          else waiter.reject(new Error(`order ${id} settled as ${status}`));
        }
      } catch (error) {
        for (const waiter of settling.values()) waiter.reject(error as Error);
        settling.clear();
      }
    }
  })();
  return {
    settled: (orderId) => new Promise<void>((resolve, reject) => settling.set(orderId, { resolve, reject })),
    stop: async () => {
      watching = false;
      await watcher;
    },
  };
}

// ---------------------------------------------------------------- paths 1, 2, 4, 7 and 6 (memory)

async function shopPaths(results: Results): Promise<void> {
  log('starting the monolith (with a facade-bypass route), order-service and the floor server as processes');
  const shop = await startBenchShop(
    {
      name: 'bench',
      logLevel: LOG_LEVEL,
      nodeArgs: CHILD_NODE_ARGS,
      monolithScript: 'dist/tools/bench/support/monolith-with-bypass.js',
      floor: true,
    },
    onCleanup,
  );
  const { monolith, db, base, admin, bearer, send } = shop;
  const orderService = shop.orderService!;
  const floor = shop.floor!;
  const floorBase = shop.floorBase!;
  results.memory.monolithIdleMiB = monolith.memory().rssMiB;
  results.memory.orderServiceIdleMiB = orderService.memory().rssMiB;
  const products = await seedProducts(send, admin, db, LIST_PRODUCTS);

  let mode: Mode = 'monolith';
  const route = async (next: Mode) => {
    if (next === mode) return;
    expectStatus(`route ordering to ${next}`, 200, await send('PUT', '/admin/strangler/routes/ordering', admin, { mode: next }));
    mode = next;
    await sleep(SWITCH_WAIT_MS);
  };
  const servedBy = (m: Mode) => (m === 'service' ? 'order-service' : 'monolith');

  const settlements = watchSettlements(db);
  onCleanup('stop watching settlements', () => settlements.stop());
  const customers = Array.from({ length: C }, () => bearer(['customer']));
  let nextCustomer = 0;
  /** A client placing an order: POST; done when the order is no longer PENDING (CONFIRMED: stock reserved, payment captured). */
  const placeUntilSettled = async () => {
    const customer = customers[(nextCustomer += 1) % customers.length]!;
    const placed = await send('POST', '/orders', customer, { items: [{ productId: products[nextCustomer % PRODUCTS], quantity: 1 }] });
    expectStatus('place order', 201, placed);
    if (placed.servedBy !== servedBy(mode)) throw new Error(`placed by ${placed.servedBy} in ${mode} mode`);
    await settlements.settled(String(placed.body.id));
  };

  // The order every GET reads, owned by one customer.
  const owner = bearer(['customer']);
  const placed = await send('POST', '/orders', owner, {
    items: [
      { productId: products[0], quantity: 2 },
      { productId: products[1], quantity: 1 },
    ],
  });
  expectStatus('place the order to read', 201, placed);
  const orderId = String(placed.body.id);
  await waitUntil(
    async () => (await send('GET', `/orders/${orderId}`, owner)).body.status === 'CONFIRMED',
    30_000,
    'the order to read is confirmed',
    20,
  );

  // Paths 1 and 2: GET /api/v1/orders/:id through the facade (monolith mode), with the facade bypassed, in service mode,
  // and the bare Node.js floor (which serves the route table's mode of neither: it reads the row itself).
  const gets: Record<string, { mode?: Mode; url: string; checked: boolean }> = {
    'get.facade': { mode: 'monolith', url: `${base}/orders/${orderId}`, checked: true },
    'get.bypass': { mode: 'monolith', url: `${base}/bench/orders/${orderId}`, checked: false },
    'get.service': { mode: 'service', url: `${base}/orders/${orderId}`, checked: true },
    'get.floor': { url: `${floorBase}/orders/${orderId}`, checked: false },
  };
  const getLoad = async (key: string, connections: number, durationSeconds: number, settleSeconds = 0) => {
    const variant = gets[key]!;
    if (variant.mode) await route(variant.mode);
    if (variant.checked && variant.mode) {
      const sample = await send('GET', variant.url.slice(base.length), owner);
      expectStatus(key, 200, sample);
      if (sample.servedBy !== servedBy(variant.mode))
        throw new Error(`${key}: X-Served-By ${sample.servedBy}, expected ${servedBy(variant.mode)}`);
    }
    return httpLoad({ url: variant.url, headers: { authorization: owner }, connections, durationSeconds, settleSeconds });
  };
  if (ONLY.has('get')) log('paths 1 and 2: GET an order; warming up');
  for (const key of ONLY.has('get') ? Object.keys(gets) : []) await getLoad(key, C, 3 * WARMUP);
  const accounts = [monolith, orderService, floor, ...(broker ? [broker] : [])];
  for (let round = 0; ONLY.has('get') && round < ROUNDS; round += 1) {
    // The variants alternate slice by slice (switching the route as needed); each slice opens
    // its connections and runs SLICE_SETTLE_SECONDS before its measured time.
    const keys = ['get.facade', 'get.floor', 'get.bypass', 'get.service'];
    if (round % 2 === 1) keys.reverse();
    for (const key of keys) await getLoad(key, C, WARMUP);
    const c1 = await interleave(keys, SLICES, [], (key, seconds) => getLoad(key, 1, seconds, SLICE_SETTLE_SECONDS));
    const cHigh = await interleave(keys, SLICES, accounts, (key, seconds) => getLoad(key, C, seconds, SLICE_SETTLE_SECONDS));
    for (const key of keys) record(results, key, round, c1[key]!, cHigh[key]!);
  }

  // Path 7: the first page of GET /api/v1/products, anonymous, from the monolith and from the floor.
  const lists: Record<string, string> = { 'list.app': `${base}/products`, 'list.floor': `${floorBase}/products` };
  const listLoad = (key: string, connections: number, durationSeconds: number, settleSeconds = 0) =>
    httpLoad({ url: lists[key]!, connections, durationSeconds, settleSeconds });
  if (ONLY.has('list')) {
    log('path 7: GET the first page of products; warming up');
    await route('monolith');
    for (const key of Object.keys(lists)) await listLoad(key, C, 3 * WARMUP);
  }
  for (let round = 0; ONLY.has('list') && round < ROUNDS; round += 1) {
    const keys = round % 2 === 0 ? ['list.app', 'list.floor'] : ['list.floor', 'list.app'];
    for (const key of keys) await listLoad(key, C, WARMUP);
    const c1 = await interleave(keys, SLICES, [], (key, seconds) => listLoad(key, 1, seconds, SLICE_SETTLE_SECONDS));
    const cHigh = await interleave(keys, SLICES, accounts, (key, seconds) => listLoad(key, C, seconds, SLICE_SETTLE_SECONDS));
    for (const key of keys) record(results, key, round, c1[key]!, cHigh[key]!);
  }

  // Path 4: placing orders until settled, events over RabbitMQ in both modes.
  const place = async (key: string, concurrency: number, durationSeconds: number) => {
    await route(key === 'place.service' ? 'service' : 'monolith');
    return measure(placeUntilSettled, { concurrency, durationMs: durationSeconds * 1000 });
  };
  if (ONLY.has('place')) log('path 4: place orders until settled; warming up');
  for (const key of ONLY.has('place') ? ['place.monolith', 'place.service'] : []) await place(key, C, 3 * WARMUP);
  for (let round = 0; ONLY.has('place') && round < ROUNDS; round += 1) {
    // As blocks too: an order takes up to a second to settle at c32, too long for short slices.
    for (const key of round % 2 === 0 ? ['place.service', 'place.monolith'] : ['place.monolith', 'place.service']) {
      await place(key, C, WARMUP);
      const c1 = await interleave([key], 1, [], (only, seconds) => place(only, 1, seconds));
      const cHigh = await interleave([key], 1, accounts, (only, seconds) => place(only, C, seconds));
      record(results, key, round, c1[key]!, cHigh[key]!);
    }
  }

  // Path 6, memory: the peak resident set of each process over everything above.
  const [monolithMemory, serviceMemory] = [monolith.memory(), orderService.memory()];
  results.memory.monolithPeakMiB = monolithMemory.peakRssMiB;
  results.memory.orderServicePeakMiB = serviceMemory.peakRssMiB;
  const [orders] = (
    await db.query("SELECT count(*)::int AS n, count(*) FILTER (WHERE status <> 'CONFIRMED')::int AS other FROM ordering.orders")
  ).rows;
  log(
    `placed ${orders.n} orders (${orders.other} not CONFIRMED); ` +
      `peak RSS monolith ${monolithMemory.peakRssMiB.toFixed(0)} MiB, order-service ${serviceMemory.peakRssMiB.toFixed(0)} MiB`,
  );
  await cleanUp();
}

// ---------------------------------------------------------------- path 4 with in-process messaging

/** Path 4 again with the monolith's default transport: integration events in-process, no broker, no order-service. */
async function inProcessPlacing(results: Results): Promise<void> {
  const { monolith, db, send, bearer } = await startBenchShop(
    { name: 'bench_inprocess', logLevel: LOG_LEVEL, nodeArgs: CHILD_NODE_ARGS, amqp: false, orderService: false },
    onCleanup,
  );
  const products = await seedProducts(send, bearer(['admin']), db, PRODUCTS);
  const settlements = watchSettlements(db);
  onCleanup('stop watching settlements', () => settlements.stop());
  const customers = Array.from({ length: C }, () => bearer(['customer']));
  let next = 0;
  const placeUntilSettled = async () => {
    next += 1;
    const placed = await send('POST', '/orders', customers[next % C], { items: [{ productId: products[next % PRODUCTS], quantity: 1 }] });
    expectStatus('place order', 201, placed);
    await settlements.settled(String(placed.body.id));
  };
  const place = (concurrency: number, durationSeconds: number) =>
    measure(placeUntilSettled, { concurrency, durationMs: durationSeconds * 1000 });
  log('path 4, in-process messaging: place orders until settled; warming up');
  await place(C, 3 * WARMUP);
  const accounts = [monolith, ...(broker ? [broker] : [])];
  for (let round = 0; round < ROUNDS; round += 1) {
    await place(C, WARMUP);
    const c1 = await interleave(['place.inprocess'], 1, [], (_, seconds) => place(1, seconds));
    const cHigh = await interleave(['place.inprocess'], 1, accounts, (_, seconds) => place(C, seconds));
    record(results, 'place.inprocess', round, c1['place.inprocess']!, cHigh['place.inprocess']!);
  }
  results.memory.inProcessPeakMiB = monolith.memory().peakRssMiB;
  await cleanUp();
}

// ---------------------------------------------------------------- round trips per settled order

const TRIP_ORDERS = Number(process.env.TRIP_ORDERS ?? 200);

/**
 * Where path 4's monolith CPU goes, counted exactly rather than sampled: the in-process monolith
 * talks to PostgreSQL through the round-trip counter while TRIP_ORDERS orders are placed and settled
 * (8 at a time); every round trip is a socket write and a read in the monolith, and the profile shows
 * that kernel write path as the largest single item of its CPU.
 */
async function roundTripsPerOrder(results: Results): Promise<void> {
  const counter = await PgRoundTripCounter.start(TEST_POSTGRES_URL);
  onCleanup('stop the round-trip counter', () => counter.stop());
  const { db, send, bearer } = await startBenchShop(
    { name: 'bench_trips', logLevel: LOG_LEVEL, amqp: false, orderService: false, databaseUrl: (url) => counter.rewrite(url) },
    onCleanup,
  );
  const products = await seedProducts(send, bearer(['admin']), db, PRODUCTS);
  const settlements = watchSettlements(db);
  onCleanup('stop watching settlements', () => settlements.stop());
  const customer = bearer(['customer']);
  let placed = 0;
  const placeUntilSettled = async () => {
    const index = (placed += 1);
    if (index > TRIP_ORDERS) return;
    const answer = await send('POST', '/orders', customer, { items: [{ productId: products[index % PRODUCTS], quantity: 1 }] });
    expectStatus('place order', 201, answer);
    await settlements.settled(String(answer.body.id));
  };
  log(`round trips per settled order: placing ${TRIP_ORDERS} orders through the counter`);
  await sleep(2000);
  counter.reset();
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (placed < TRIP_ORDERS) await placeUntilSettled();
    }),
  );
  const { roundTrips, statements } = counter.read();
  results.trips = {
    orders: TRIP_ORDERS,
    roundTrips,
    statements: [...statements].sort((a, b) => b[1] - a[1]).map(([statement, count]) => ({ statement, count })),
  };
  log(`round trips per settled order: ${(roundTrips / TRIP_ORDERS).toFixed(1)}`);
  for (const { statement, count } of results.trips.statements.slice(0, 25)) log(`  ${(count / TRIP_ORDERS).toFixed(2)}× ${statement}`);
  await cleanUp();
}

// ---------------------------------------------------------------- idle round trips

/**
 * What an idle monolith asks of the database: a production monolith (RabbitMQ, every context, the
 * facade) talks to PostgreSQL through a proxy that counts round trips; after start-up it is left
 * alone for IDLE_SECONDS.
 */
async function idleRoundTrips(results: Results): Promise<void> {
  const counter = await PgRoundTripCounter.start(TEST_POSTGRES_URL);
  onCleanup('stop the round-trip counter', () => counter.stop());
  await startBenchShop(
    { name: 'bench_idle', logLevel: LOG_LEVEL, orderService: false, databaseUrl: (url) => counter.rewrite(url) },
    onCleanup,
  );
  log(`idle monolith: counting its database round trips for ${IDLE_SECONDS} s`);
  await sleep(2000);
  counter.reset();
  await sleep(IDLE_SECONDS * 1000);
  const { roundTrips, statements } = counter.read();
  results.idle = {
    seconds: IDLE_SECONDS,
    roundTrips,
    statements: [...statements].sort((a, b) => b[1] - a[1]).map(([statement, count]) => ({ statement, count })),
  };
  log(`idle monolith: ${roundTrips} round trips in ${IDLE_SECONDS} s (${(roundTrips / IDLE_SECONDS).toFixed(1)}/s)`);
  for (const { statement, count } of results.idle.statements.slice(0, 8)) log(`  ${count}× ${statement}`);
  await cleanUp();
}

// ---------------------------------------------------------------- path 3

async function echoPaths(results: Results): Promise<void> {
  const namespace = testAmqpNamespace('bench-echo');
  onCleanup('sweep the echo namespace', () => sweepNamespace(namespace));
  const channels: Record<string, EchoChannel> = {};
  for (const [key, make] of [
    ['echo.ours', ourEcho],
    ['echo.nest', nestEcho],
    ['echo.bare', bareEcho],
  ] as const) {
    channels[key] = await make(TEST_AMQP_URL, namespace);
    onCleanup(`close ${key}`, () => channels[key]!.close());
  }
  const echo = (key: string, concurrency: number, durationSeconds: number) =>
    measure(() => channels[key]!.call(), { concurrency, durationMs: durationSeconds * 1000 });
  const keys = Object.keys(channels);
  log('path 3: request-reply echo; warming up');
  for (const key of keys) await echo(key, C, 3 * WARMUP);
  for (let round = 0; round < ROUNDS; round += 1) {
    const order = [...keys.slice(round % keys.length), ...keys.slice(0, round % keys.length)];
    for (const key of order) await echo(key, C, WARMUP);
    const c1 = await interleave(order, SLICES, [], (key, seconds) => echo(key, 1, seconds));
    const cHigh = await interleave(order, SLICES, broker ? [broker] : [], (key, seconds) => echo(key, C, seconds));
    for (const key of order) record(results, key, round, c1[key]!, cHigh[key]!);
  }
  await cleanUp();
}

// ---------------------------------------------------------------- path 5

async function outboxPaths(results: Results): Promise<void> {
  const database = await createTestDatabase('bench_outbox');
  onCleanup('drop the outbox database', () => database.drop());
  const namespace = testAmqpNamespace('bench-outbox');
  onCleanup('delete the outbox namespace', async () => {
    await deleteAmqpNamespace(namespace, { contexts: OutboxProbe.consumerContexts });
    await sweepNamespace(namespace);
  });
  const probe = new OutboxProbe(database.url, TEST_AMQP_URL, namespace);
  onCleanup('close the outbox probe', () => probe.close());
  await probe.start();
  const kinds: OutboxTransportKind[] = ['amqp', 'in-process'];
  log(`path 5: outbox latency at ${OUTBOX_RATE} events/s; warming up`);
  for (const kind of kinds) await probe.run(kind, OUTBOX_RATE, 1);
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const kind of round % 2 === 0 ? kinds : [...kinds].reverse()) {
      const figures: OutboxFigures = await probe.run(kind, OUTBOX_RATE, OUTBOX_SECONDS);
      (results.outbox[kind] ??= []).push(figures);
      log(
        `round ${round + 1}/${ROUNDS} outbox ${kind}: ${figures.rate.toFixed(0)} events/s ` +
          `p50 ${figures.p50Ms.toFixed(2)} ms p99 ${figures.p99Ms.toFixed(2)} ms max ${figures.maxMs.toFixed(1)} ms`,
      );
    }
  }
  await cleanUp();
}

// ---------------------------------------------------------------- path 6, start-up

/** `npm start`'s defaults (development, in-process messaging), on a fresh data dir: first start, then a second on the same data. */
async function startTimes(results: Results): Promise<void> {
  const timeStart = async (env: Record<string, string>): Promise<number> => {
    const port = await freePort();
    const app = await ChildApp.start('monolith', 'dist/apps/monolith/src/main.js', port, {
      ...env,
      PORT: String(port),
      LOG_LEVEL,
      ADMIN_PASSWORD: randomBytes(12).toString('hex'),
    });
    await app.stop();
    return app.readyAfterMs;
  };
  const record = (key: string, ms: number) => (results.starts[key] ??= []).push(ms);
  log('path 6: monolith start-to-ready');
  for (let round = 0; round < STARTS; round += 1) {
    for (const database of round % 2 === 0 ? ['pglite', 'postgres'] : ['postgres', 'pglite']) {
      const dataDir = mkdtempSync(join(tmpdir(), 'shop-bench-start-'));
      onCleanup('remove the start data dir', async () => rmSync(dataDir, { recursive: true, force: true }));
      const env: Record<string, string> = { DATA_DIR: dataDir };
      if (database === 'postgres') {
        const fresh = await createTestDatabase('bench_start');
        onCleanup('drop the start database', () => fresh.drop());
        env.DATABASE_URL = fresh.url;
      }
      record(`${database}.first`, await timeStart(env));
      record(`${database}.second`, await timeStart(env));
      log(
        `round ${round + 1}/${STARTS} ${database}: first ${results.starts[`${database}.first`]!.at(-1)!.toFixed(0)} ms, ` +
          `second ${results.starts[`${database}.second`]!.at(-1)!.toFixed(0)} ms`,
      );
      await cleanUp();
    }
  }
}

// ---------------------------------------------------------------- path 9, the freeze window of a handoff

async function handoffWindow(results: Results): Promise<void> {
  results.handoff = await handoffFreeze({ orders: HANDOFF_ORDERS, rounds: HANDOFFS, logLevel: LOG_LEVEL, log }, onCleanup);
  await cleanUp();
}

// ---------------------------------------------------------------- path 10: what tracing costs

/**
 * GET /api/v1/orders/:id on two monoliths side by side (events in-process, no broker): one tracing
 * every request (the default: spans made and dropped, no exporter endpoint, OTEL_TRACES_SAMPLER=always_on),
 * one with tracing off (OTEL_SDK_DISABLED=true). Each reads an order of its own database.
 */
async function tracingCost(results: Results): Promise<void> {
  log('path 10: two monoliths, tracing on (every span sampled, no exporter) and off; starting');
  const variants: Record<string, Record<string, string>> = {
    'get.traced': { OTEL_TRACES_SAMPLER: 'always_on' },
    'get.untraced': { OTEL_SDK_DISABLED: 'true' },
  };
  const targets: Record<string, { url: string; owner: string }> = {};
  const monoliths: ChildApp[] = [];
  for (const [key, env] of Object.entries(variants)) {
    const shop = await startBenchShop(
      { name: `bench_${key.replace('.', '_')}`, logLevel: LOG_LEVEL, nodeArgs: CHILD_NODE_ARGS, amqp: false, orderService: false, env },
      onCleanup,
    );
    monoliths.push(shop.monolith);
    const [product] = await seedProducts(shop.send, shop.admin, shop.db, 1);
    const owner = shop.bearer(['customer']);
    let orderId = '';
    await waitUntil(
      async () => {
        const placed = await shop.send('POST', '/orders', owner, { items: [{ productId: product, quantity: 1 }] });
        orderId = String(placed.body.id ?? '');
        return placed.status === 201;
      },
      30_000,
      `an order to read (${key})`,
      50,
    );
    targets[key] = { url: `${shop.base}/orders/${orderId}`, owner };
  }
  const load = (key: string, connections: number, durationSeconds: number, settleSeconds = 0) =>
    httpLoad({ url: targets[key]!.url, headers: { authorization: targets[key]!.owner }, connections, durationSeconds, settleSeconds });
  const keys = Object.keys(variants);
  for (const key of keys) await load(key, C, 3 * WARMUP);
  for (let round = 0; round < ROUNDS; round += 1) {
    const ordered = round % 2 === 1 ? [...keys].reverse() : keys;
    for (const key of ordered) await load(key, C, WARMUP);
    const c1 = await interleave(ordered, SLICES, [], (key, seconds) => load(key, 1, seconds, SLICE_SETTLE_SECONDS));
    // CPU per call of both monoliths together while one is loaded (the other idles): robust on a busy machine.
    const cHigh = await interleave(ordered, SLICES, monoliths, (key, seconds) => load(key, C, seconds, SLICE_SETTLE_SECONDS));
    for (const key of ordered) record(results, key, round, c1[key]!, cHigh[key]!);
  }
  await cleanUp();
}

// ---------------------------------------------------------------- path 11, automatic rollback on a faulty service

async function rollbackTimes(results: Results): Promise<void> {
  results.rollback = await rollbackDrills({ drills: ROLLBACK_DRILLS, faults: ROLLBACK_FAULTS, logLevel: LOG_LEVEL, log }, onCleanup);
  await cleanUp();
}

// ---------------------------------------------------------------- path 12, what shadowing costs the caller

/**
 * GET /api/v1/orders/:id in monolith mode and in shadow mode with every read mirrored (samplePercent
 * 100, the default; a tenth of them also take a noise baseline), alternating slice by slice in each
 * round: the primary's latency, which the mirror must not hold up, side by side.
 */
async function shadowCost(results: Results): Promise<void> {
  log(`path 12: GET an order in monolith and in shadow mode (${SHADOW_SAMPLE_PERCENT}% of reads mirrored); starting the shop`);
  const { monolith, orderService, db, base, admin, bearer, send } = await startBenchShop(
    { name: 'bench_shadow', logLevel: LOG_LEVEL, nodeArgs: CHILD_NODE_ARGS },
    onCleanup,
  );
  const [product] = await seedProducts(send, admin, db, 1);
  const owner = bearer(['customer']);
  const placed = await send('POST', '/orders', owner, { items: [{ productId: product, quantity: 1 }] });
  expectStatus('place the order to read', 201, placed);
  const orderId = String(placed.body.id);
  await waitUntil(
    async () => (await db.query('SELECT status FROM ordering.orders WHERE id = $1', [orderId])).rows[0]?.status === 'CONFIRMED',
    30_000,
    'the order to read is confirmed',
  );
  const settings = await send('GET', '/admin/strangler/shadow/ordering/settings', admin);
  expectStatus('read the shadow settings', 200, settings);
  if (settings.body.samplePercent !== 100) throw new Error(`shadow samples ${settings.body.samplePercent}% by default, not every read`);
  if (SHADOW_SAMPLE_PERCENT !== 100) {
    const sampled = await send('PUT', '/admin/strangler/shadow/ordering/settings', admin, { samplePercent: SHADOW_SAMPLE_PERCENT });
    expectStatus(`mirror ${SHADOW_SAMPLE_PERCENT}% of reads`, 200, sampled);
  }

  const modes: Record<string, 'monolith' | 'shadow'> = { 'shadow.off': 'monolith', 'shadow.on': 'shadow' };
  let mode: 'monolith' | 'shadow' = 'monolith';
  const load = async (key: string, connections: number, durationSeconds: number, settleSeconds = 0) => {
    if (modes[key] !== mode) {
      mode = modes[key]!;
      expectStatus(`route ordering to ${mode}`, 200, await send('PUT', '/admin/strangler/routes/ordering', admin, { mode }));
      // Long enough for the mirrors still queued from a shadow slice to finish before a monolith slice.
      await sleep(SWITCH_WAIT_MS);
    }
    return httpLoad({ url: `${base}/orders/${orderId}`, headers: { authorization: owner }, connections, durationSeconds, settleSeconds });
  };
  const counts = async () => {
    const answer = await send('GET', '/admin/strangler/shadow', admin);
    expectStatus('read the shadow counts', 200, answer);
    return ((answer.body.ordering as Record<string, Record<string, number>> | undefined)?.['ordering.GetOrder.v1'] ?? {}) as Record<
      string,
      number
    >;
  };
  for (const key of Object.keys(modes)) await load(key, C, 3 * WARMUP);
  const before = await counts();
  const accounts = [monolith, orderService!, ...(broker ? [broker] : [])];
  for (let round = 0; round < ROUNDS; round += 1) {
    const keys = round % 2 === 0 ? ['shadow.off', 'shadow.on'] : ['shadow.on', 'shadow.off'];
    const c1 = await interleave(keys, SLICES, [], (key, seconds) => load(key, 1, seconds, SLICE_SETTLE_SECONDS));
    const cHigh = await interleave(keys, SLICES, accounts, (key, seconds) => load(key, C, seconds, SLICE_SETTLE_SECONDS));
    for (const key of keys) record(results, key, round, c1[key]!, cHigh[key]!);
  }
  const after = await counts();
  const delta = (name: string) => (after[name] ?? 0) - (before[name] ?? 0);
  results.shadow = {
    samplePercent: SHADOW_SAMPLE_PERCENT,
    compared: delta('compared'),
    mismatches: delta('mismatches'),
    dropped: delta('dropped'),
    unavailable: delta('unavailable'),
    baselines: delta('baselines'),
    noise: delta('noise'),
  };
  log(
    `shadow: ${results.shadow.compared} reads compared (${results.shadow.mismatches} mismatches), ` +
      `${results.shadow.dropped} dropped by the full queue, ${results.shadow.unavailable} unanswered, ` +
      `${results.shadow.baselines} noise baselines (${results.shadow.noise} noisy)`,
  );
  await cleanUp();
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: cleaning up`);
    void cleanUp().finally(() => process.exit(130));
  });
}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
