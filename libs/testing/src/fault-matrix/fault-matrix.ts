// The fault matrix: the shop as deployed (the monolith and two order-service instances as processes,
// ordering routed to the service, every app behind TCP proxies to PostgreSQL and RabbitMQ) under a
// steady load of careful clients, while one fault at a time strikes and heals. After each, with the
// load stopped, it checks from the databases that nothing was lost or applied twice (see
// invariants.ts) and reports what clients saw. Used by the e2e spec
// (apps/monolith/test/fault-matrix.e2e-spec.ts) and by `npm run chaos:faults` (tools/bench/chaos-faults.ts).
import { randomUUID } from 'node:crypto';
import { sleep } from '../eventually.js';
import { ShopProcesses } from '../shop-processes.js';
import { checkInvariants, pendingOrders, type Sql } from './invariants.js';
import { Ledger, problemSlug, SteadyLoad, type Attempt } from './steady-load.js';

export type FaultName =
  'order-service-killed' | 'order-service-stalled' | 'order-service-cut-off' | 'monolith-killed' | 'broker-cut' | 'database-cut';
export const FAULT_NAMES: FaultName[] = [
  'order-service-killed',
  'order-service-stalled',
  'order-service-cut-off',
  'monolith-killed',
  'broker-cut',
  'database-cut',
];

export interface FaultMatrixOptions {
  faults?: FaultName[];
  customers?: number;
  /** Load before the fault strikes, and after it healed. */
  beforeMs?: number;
  afterMs?: number;
  /** How long the broker or database stays cut off. */
  outageMs?: number;
  /** How long an order-service instance stays stalled (longer than the strangler timeout). */
  stallMs?: number;
  /** How long, once the load stopped, every order has to become final and every effect to settle. */
  settleWithinMs?: number;
  strangler?: { timeoutMs: number; cooldownMs: number };
  logLevel?: string;
  log?: (line: string) => void;
  /** Aborting stops the load at once (the matrix then fails); the processes are killed either way. */
  signal?: AbortSignal;
  /** Called once the processes run, so a caller can kill them should the matrix never return. */
  onStarted?: (shop: ShopProcesses) => void;
  /** Called with everything the apps printed, before they are stopped. */
  onOutput?: (output: string) => void;
}

export interface FaultFigures {
  fault: FaultName;
  title: string;
  /** From the fault striking to its healing (a restarted process ready, a cut restored). */
  faultMs: number;
  requests: number;
  /** HTTP status, `network-error` or `timeout` → count. */
  byStatus: Record<string, number>;
  /** 503 answers by problem type (the last path segment). */
  unavailableByType: Record<string, number>;
  /** Answers other than 2xx, 409 and 503 (a 500 while the database is away, say), by status and detail. */
  otherErrors: Record<string, number>;
  /** Attempts that repeated a placement (same Idempotency-Key) or a cancel. */
  retries: number;
  recovery: {
    /** From healing to the first placement (sent after healing) answered 201/200. */
    firstPlacementMs: number | undefined;
    /** From healing until every order placed before it was CONFIRMED, REJECTED or CANCELLED. */
    allFinalMs: number | undefined;
  };
  orders: { placed: number; confirmed: number; rejected: number; cancelled: number };
  /**
   * Placements without an Idempotency-Key: answered 201, 503 "not applied", 503 "applied once already" (no order
   * in the answer), or with an open outcome (`unknown`: a timeout, a 500, no answer), of which `unknownApplied` were.
   */
  keyless: { sent: number; placed: number; notApplied: number; applied: number; unknown: number; unknownApplied: number };
  /** Broken invariants (cumulative over the run so far), with examples: empty when everything held. */
  violations: string[];
}

export interface FaultMatrixReport {
  startedAt: string;
  wallSeconds: number;
  customers: number;
  strangler: { timeoutMs: number; cooldownMs: number };
  faults: FaultFigures[];
}

interface Fault {
  title: (options: Required<Pick<FaultMatrixOptions, 'outageMs' | 'stallMs' | 'strangler'>>) => string;
  inject: (shop: ShopProcesses) => Promise<void> | void;
  /** How long the fault is left in place before healing starts. */
  holdMs: (options: Required<Pick<FaultMatrixOptions, 'outageMs' | 'stallMs'>>) => number;
  heal: (shop: ShopProcesses) => Promise<void> | void;
}

/** A killed order-service is replaced this long after it died (the other instance serves meanwhile). */
const REPLACEMENT_DELAY_MS = 1000;

const FAULTS: Record<FaultName, Fault> = {
  'order-service-killed': {
    title: () => 'kill -9 of one order-service; a new instance started 1 s later',
    inject: (shop) => shop.killOrderService(0),
    holdMs: () => REPLACEMENT_DELAY_MS,
    heal: async (shop) => void (await shop.startOrderService()),
  },
  'order-service-stalled': {
    title: ({ stallMs, strangler }) =>
      `SIGSTOP of one order-service for ${stallMs / 1000} s (timeout ${strangler.timeoutMs} ms), then SIGCONT`,
    inject: (shop) => shop.orderServices[0]!.process.pause(),
    holdMs: ({ stallMs }) => stallMs,
    heal: (shop) => shop.orderServices[0]!.process.resume(),
  },
  'order-service-cut-off': {
    title: ({ outageMs }) => `RabbitMQ connection of one order-service cut for ${outageMs / 1000} s (the other one serves), then restored`,
    inject: (shop) => shop.orderServices[0]!.links.broker.cut(),
    holdMs: ({ outageMs }) => outageMs,
    heal: (shop) => shop.orderServices[0]!.links.broker.restore(),
  },
  'monolith-killed': {
    title: () => 'kill -9 of the monolith; restarted at once (same env, same port)',
    inject: (shop) => shop.killMonolith(),
    holdMs: () => 0,
    heal: (shop) => shop.startMonolith(),
  },
  'broker-cut': {
    title: ({ outageMs }) => `RabbitMQ connections of every app cut for ${outageMs / 1000} s, then restored`,
    inject: (shop) => shop.cut('broker'),
    holdMs: ({ outageMs }) => outageMs,
    heal: (shop) => shop.restore('broker'),
  },
  'database-cut': {
    title: ({ outageMs }) => `PostgreSQL connections of every app cut for ${outageMs / 1000} s, then restored`,
    inject: (shop) => shop.cut('postgres'),
    holdMs: ({ outageMs }) => outageMs,
    heal: (shop) => shop.restore('postgres'),
  },
};

/** Prices in cents: one product is dear enough that two of it exceed the simulated provider's limit (declined, REJECTED). */
const PRODUCT_PRICES = [1_000, 2_500, 4_900, 9_900, 60_000];
const INITIAL_STOCK = 1_000_000;
const POLL_MS = 100;

export async function runFaultMatrix(options: FaultMatrixOptions = {}): Promise<FaultMatrixReport> {
  const settings = {
    faults: options.faults ?? FAULT_NAMES,
    customers: options.customers ?? 8,
    beforeMs: options.beforeMs ?? 2500,
    afterMs: options.afterMs ?? 2500,
    outageMs: options.outageMs ?? 5000,
    stallMs: options.stallMs ?? 2500,
    settleWithinMs: options.settleWithinMs ?? 30_000,
    strangler: options.strangler ?? { timeoutMs: 800, cooldownMs: 1000 },
  };
  const log = options.log ?? (() => undefined);
  const startedAt = Date.now();
  log('starting the monolith and two order-service instances behind TCP proxies');
  const shop = await ShopProcesses.start({
    label: 'faults',
    orderServices: 2,
    logLevel: options.logLevel ?? 'warn',
    monolithEnv: {
      STRANGLER_TIMEOUT_MS: String(settings.strangler.timeoutMs),
      STRANGLER_BREAKER_COOLDOWN_MS: String(settings.strangler.cooldownMs),
    },
  });
  options.onStarted?.(shop);
  try {
    const admin = shop.bearer(['admin']);
    await routeOrderingToService(shop, admin);
    const initialStock = await createProducts(shop, admin);
    const customers = Array.from({ length: settings.customers }, () => randomUUID()).map((id) => ({
      id,
      bearer: shop.bearer(['customer'], id),
    }));
    const ledger = new Ledger();
    const load = new SteadyLoad(
      {
        baseUrl: shop.baseUrl,
        customers,
        products: [...initialStock.keys()],
        keylessIntervalMs: 200,
        cancelEvery: 3,
        thinkMs: 20,
        maxRetryWaitMs: 1000,
        finishWithinMs: settings.settleWithinMs,
        requestTimeoutMs: 10_000,
      },
      ledger,
      options.signal,
    );
    const faults: FaultFigures[] = [];
    const reported = new Set<string>();
    const stopIfAborted = () => {
      if (options.signal?.aborted) throw new Error('the fault matrix was aborted');
    };
    const sql: Sql = (query, params) => shop.sql(query, params);
    for (const name of settings.faults) {
      stopIfAborted();
      const fault = FAULTS[name];
      const title = fault.title(settings);
      log(`${name}: ${title}`);
      load.phase = name;
      load.start();
      await sleep(settings.beforeMs);
      const injectedAt = Date.now();
      await fault.inject(shop);
      await sleep(fault.holdMs(settings));
      await fault.heal(shop);
      const healedAt = Date.now();
      const allFinal = timeUntilFinal(sql, healedAt, settings.settleWithinMs + settings.afterMs, options.signal);
      await sleep(settings.afterMs);
      await load.stop();
      stopIfAborted();
      // Ordering is routed to the service: every write it answered was answered by order-service.
      const invariants = await settle(sql, ledger, initialStock, settings.settleWithinMs, {
        servedBy: 'order-service',
        signal: options.signal,
      });
      // A process that died by itself is a finding too, whatever the data says.
      invariants.violations.push(...shop.exited().map((line) => `process: ${line}`));
      // The checks cover everything so far; a fault is charged only with what was not found after an earlier one.
      invariants.violations = invariants.violations.filter((line) => !reported.has(line));
      invariants.violations.forEach((line) => reported.add(line));
      const figures = figuresOf(name, title, ledger, { injectedAt, healedAt, allFinalMs: await allFinal }, invariants);
      faults.push(figures);
      log(`${name}: ${summary(figures)}`);
    }
    return {
      startedAt: new Date(startedAt).toISOString(),
      wallSeconds: (Date.now() - startedAt) / 1000,
      customers: settings.customers,
      strangler: settings.strangler,
      faults,
    };
  } catch (error) {
    log(`failed; the processes said:\n${shop.output().slice(-20_000)}`);
    throw error;
  } finally {
    options.onOutput?.(shop.output());
    await shop.close();
  }
}

async function routeOrderingToService(shop: ShopProcesses, admin: string): Promise<void> {
  const response = await fetch(`${shop.baseUrl}/api/v1/admin/strangler/routes/ordering`, {
    method: 'PUT',
    headers: { authorization: admin, 'content-type': 'application/json' },
    body: JSON.stringify({ mode: 'service' }),
  });
  if (response.status !== 200) throw new Error(`routing ordering to service answered ${response.status}: ${await response.text()}`);
}

/** Products created by an admin through the API; resolves once ordering's read model knows their prices. */
export async function createProducts(shop: Pick<ShopProcesses, 'baseUrl' | 'sql'>, admin: string): Promise<Map<string, number>> {
  const stock = new Map<string, number>();
  for (const [i, priceCents] of PRODUCT_PRICES.entries()) {
    const response = await fetch(`${shop.baseUrl}/api/v1/products`, {
      method: 'POST',
      headers: { authorization: admin, 'content-type': 'application/json' },
      body: JSON.stringify({ sku: `FAULT-${i}-${randomUUID().slice(0, 8)}`, name: `Fault matrix ${i}`, priceCents, stock: INITIAL_STOCK }),
    });
    if (response.status !== 201) throw new Error(`creating a product answered ${response.status}: ${await response.text()}`);
    stock.set(((await response.json()) as { id: string }).id, INITIAL_STOCK);
  }
  const deadline = Date.now() + 10_000;
  for (;;) {
    const [{ n }] = (await shop.sql('SELECT count(*)::int AS n FROM ordering.product_prices WHERE product_id = ANY($1::uuid[])', [
      [...stock.keys()],
    ])) as [{ n: number }];
    if (n === stock.size) return stock;
    if (Date.now() > deadline) throw new Error('ordering did not learn the prices of the new products within 10 s');
    await sleep(POLL_MS);
  }
}

/** Polls from `since` until no order created up to then is PENDING; the time it took, or undefined if it did not happen. */
async function timeUntilFinal(sql: Sql, since: number, withinMs: number, signal?: AbortSignal): Promise<number | undefined> {
  while (Date.now() - since <= withinMs && !signal?.aborted) {
    if ((await pendingOrders(sql, since).catch(() => 1)) === 0) return Date.now() - since;
    await sleep(POLL_MS);
  }
  return undefined;
}

/**
 * Checks until every invariant holds (effects settle asynchronously) or the time is up; answers the last
 * check. With `servedBy`, every write answered must have been answered by that side.
 */
export async function settle(
  sql: Sql,
  ledger: Ledger,
  initialStock: Map<string, number>,
  withinMs: number,
  { servedBy, signal }: { servedBy?: string; signal?: AbortSignal } = {},
) {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const report = await checkInvariants(sql, ledger, initialStock, servedBy);
    if (report.violations.length === 0 || Date.now() > deadline || signal?.aborted) return report;
    await sleep(500);
  }
}

function figuresOf(
  fault: FaultName,
  title: string,
  ledger: Ledger,
  times: { injectedAt: number; healedAt: number; allFinalMs: number | undefined },
  invariants: Awaited<ReturnType<typeof checkInvariants>>,
): FaultFigures {
  const { attempts, placements } = ledger.of(fault);
  const unavailable = attempts.filter((a) => a.outcome === 503);
  const firstPlaced = attempts
    .filter((a) => a.op === 'place' && a.sentAt >= times.healedAt && (a.outcome === 201 || a.outcome === 200))
    .reduce<number | undefined>((first, a) => Math.min(first ?? Infinity, a.answeredAt), undefined);
  const placed = placements.filter((p) => p.result === 'placed');
  const keyless = placements.filter((p) => !p.key);
  const statusOf = invariants.orderStatuses;
  const count = (status: string) => placed.filter((p) => statusOf.get([...p.orderIds][0]!) === status).length;
  return {
    fault,
    title,
    faultMs: times.healedAt - times.injectedAt,
    requests: attempts.length,
    byStatus: countBy(attempts, (a) => String(a.outcome)),
    unavailableByType: countBy(unavailable, problemSlug),
    otherErrors: countBy(
      attempts.filter((a) => typeof a.outcome === 'number' && a.outcome >= 400 && a.outcome !== 409 && a.outcome !== 503),
      (a) => `${a.op} ${a.outcome} ${problemSlug(a)}: ${a.detail}`,
    ),
    retries: placements.reduce((sum, p) => sum + retriesOf(p.attempts), 0),
    recovery: { firstPlacementMs: firstPlaced === undefined ? undefined : firstPlaced - times.healedAt, allFinalMs: times.allFinalMs },
    orders: { placed: placed.length, confirmed: count('CONFIRMED'), rejected: count('REJECTED'), cancelled: count('CANCELLED') },
    keyless: {
      sent: keyless.length,
      placed: keyless.filter((p) => p.result === 'placed').length,
      notApplied: keyless.filter((p) => p.result === 'not-applied').length,
      applied: keyless.filter((p) => p.result === 'applied').length,
      unknown: keyless.filter((p) => p.result === 'unknown').length,
      unknownApplied: keyless.filter((p) => p.result === 'unknown' && invariants.keylessApplied.has(p.attempts[0]!.requestId)).length,
    },
    violations: invariants.violations,
  };
}

/** A placement's or a cancel's attempts after its first. */
function retriesOf(attempts: Attempt[]): number {
  const places = attempts.filter((a) => a.op === 'place').length;
  const cancels = attempts.filter((a) => a.op === 'cancel').length;
  return Math.max(0, places - 1) + Math.max(0, cancels - 1);
}

export function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

function summary(f: FaultFigures): string {
  const seconds = (ms: number | undefined) => (ms === undefined ? 'never' : `${(ms / 1000).toFixed(1)} s`);
  return (
    `${f.requests} requests ${JSON.stringify(f.byStatus)}, 503s ${JSON.stringify(f.unavailableByType)}, ` +
    `other errors ${JSON.stringify(f.otherErrors)}, ${f.retries} retries; ` +
    `recovered: first placement ${seconds(f.recovery.firstPlacementMs)}, all final ${seconds(f.recovery.allFinalMs)}; ` +
    `orders ${f.orders.placed} (${f.orders.confirmed} confirmed, ${f.orders.rejected} rejected, ${f.orders.cancelled} cancelled); ` +
    `violations: ${f.violations.length === 0 ? 'none' : f.violations.join(' | ')}`
  );
}
