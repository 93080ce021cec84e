// A slow (not dead) database for one context: ordering's tables locked by another session for a while,
// under steady load on identity, catalog and ordering. Each context has a pool of its own (a bulkhead),
// or, with `pools: 'shared'`, every context takes its connections from one pool of the same total size,
// to show what the separation protects. Identity's and catalog's latencies are measured before and
// during the lock in the same run; ordering's answers during the lock are collected; and afterwards the
// databases are checked against what every client was told (nothing lost, nothing applied twice).
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { sleep } from '../eventually.js';
import { ShopProcesses } from '../shop-processes.js';
import { countBy, createProducts, settle } from './fault-matrix.js';
import { Ledger, problemSlug, SteadyLoad } from './steady-load.js';

export type Pools = 'per-context' | 'shared';

export interface LatencySummary {
  requests: number;
  /** Answers that were not 2xx (or no answer at all). */
  failures: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface LockedContextOptions {
  pools: Pools;
  /** How long ordering's tables stay locked (and how long the unlocked baseline is measured, half before, half after). */
  lockMs?: number;
  /** Connections of each context's pool; a shared pool has as many as the contexts' together. */
  poolSize?: number;
  statementTimeoutMs?: number;
  /** Closed-loop readers of identity and of catalog, each. */
  readers?: number;
  /** Closed-loop readers of ordering: more than a shared pool has connections, so that its stuck statements can take them all. */
  orderingReaders?: number;
  /** Customers placing (and cancelling) orders, retrying 503s with the same Idempotency-Key. */
  customers?: number;
  log?: (line: string) => void;
  onStarted?: (shop: ShopProcesses) => void;
}

export interface LockedContextReport {
  pools: Pools;
  lockMs: number;
  poolSize: number;
  statementTimeoutMs: number;
  /** Identity's and catalog's reads, unlocked (half before the lock, half after) and while ordering's tables were locked. */
  baseline: Record<Neighbour, LatencySummary>;
  locked: Record<Neighbour, LatencySummary>;
  /** Ordering's answers (reads and writes) sent while its tables were locked: by status and problem type, and the slowest. */
  orderingDuringLock: { answers: Record<string, number>; p99Ms: number; maxMs: number };
  /** What the databases contradict of what clients were told, after the load stopped; empty when everything holds. */
  violations: string[];
}

type Neighbour = 'identity' | 'catalog';
type Phase = 'warm-up' | 'baseline' | 'locked';
interface Sample {
  target: Neighbour | 'ordering';
  phase: Phase;
  ms: number;
  answer: string;
}

const CONTEXTS = ['identity', 'catalog', 'ordering', 'payments'];
const WARM_UP_MS = 3000;
const LOCK_ATTEMPTS = 5;
/** Neighbours' readers pause this long between calls; ordering's clients longer (they are many, and cheap only while stuck). */
const THINK_MS = 10;
const ORDERING_THINK_MS = 200;
const REQUEST_TIMEOUT_MS = 15_000;

export async function runLockedContext(options: LockedContextOptions): Promise<LockedContextReport> {
  const settings = {
    lockMs: options.lockMs ?? 8000,
    poolSize: options.poolSize ?? 3,
    statementTimeoutMs: options.statementTimeoutMs ?? 1000,
    readers: options.readers ?? 2,
    orderingReaders: options.orderingReaders ?? 16,
    customers: options.customers ?? 4,
  };
  const log = options.log ?? (() => undefined);
  const pools = Object.fromEntries(
    CONTEXTS.flatMap((context) => [
      [`${context.toUpperCase()}_DB_POOL_SIZE`, String(settings.poolSize)],
      [`${context.toUpperCase()}_DB_STATEMENT_TIMEOUT_MS`, String(settings.statementTimeoutMs)],
    ]),
  );
  const shared =
    options.pools === 'shared'
      ? {
          DATABASE_SHARED_POOL: String(settings.poolSize * CONTEXTS.length),
          DATABASE_SHARED_POOL_STATEMENT_TIMEOUT_MS: String(settings.statementTimeoutMs),
        }
      : {};
  log(
    `${options.pools} pools: starting the monolith (pools of ${settings.poolSize}, ` +
      `statements cancelled after ${settings.statementTimeoutMs} ms)`,
  );
  const shop = await ShopProcesses.start({ label: 'locked', orderServices: 0, monolithEnv: { ...pools, ...shared } });
  options.onStarted?.(shop);
  const locker = new pg.Client({ connectionString: shop.database.url });
  locker.on('error', () => undefined);
  try {
    await locker.connect();
    const admin = shop.bearer(['admin']);
    const initialStock = await createProducts(shop, admin);
    const [product] = initialStock.keys();
    const reader = await registeredUser(shop);
    const customers = Array.from({ length: settings.customers }, () => randomUUID()).map((id) => ({
      id,
      bearer: shop.bearer(['customer'], id),
    }));

    const samples: Sample[] = [];
    let phase: Phase = 'warm-up';
    let stopping = false;
    const readLoop = async (target: Sample['target'], path: string, bearer: string, thinkMs: number) => {
      while (!stopping) {
        const sentIn = phase;
        const started = performance.now();
        const answer = await get(`${shop.baseUrl}${path}`, bearer);
        samples.push({ target, phase: sentIn, ms: performance.now() - started, answer });
        await sleep(thinkMs);
      }
    };
    const ledger = new Ledger();
    const load = new SteadyLoad(
      {
        baseUrl: shop.baseUrl,
        customers,
        products: [...initialStock.keys()],
        keylessIntervalMs: 500,
        cancelEvery: 3,
        thinkMs: ORDERING_THINK_MS,
        maxRetryWaitMs: 1000,
        finishWithinMs: 30_000,
        requestTimeoutMs: REQUEST_TIMEOUT_MS,
      },
      ledger,
    );
    load.start();
    const readers = [
      ...Array.from({ length: settings.readers }).flatMap(() => [
        readLoop('identity', '/api/v1/auth/me', reader, THINK_MS),
        readLoop('catalog', `/api/v1/products/${product}`, reader, THINK_MS),
      ]),
      ...Array.from({ length: settings.orderingReaders }, (_, i) =>
        readLoop('ordering', '/api/v1/orders', customers[i % customers.length]!.bearer, ORDERING_THINK_MS),
      ),
    ];
    const lockedTables = await orderingTables(locker);
    try {
      await sleep(WARM_UP_MS);
      phase = 'baseline';
      load.phase = 'baseline';
      await sleep(settings.lockMs / 2);
      await lockAll(locker, lockedTables);
      phase = 'locked';
      load.phase = 'locked';
      log(`${options.pools} pools: ordering's ${lockedTables.length} tables locked for ${settings.lockMs / 1000} s`);
      await sleep(settings.lockMs);
      await locker.query('ROLLBACK');
      // The unlocked baseline is measured on both sides of the lock, against drift in the machine's load.
      phase = 'baseline';
      load.phase = 'after';
      await sleep(settings.lockMs / 2);
    } finally {
      stopping = true;
      await Promise.all(readers);
      await load.stop();
    }
    const invariants = await settle((query, params) => shop.sql(query, params), ledger, initialStock, 30_000);
    const violations = [...invariants.violations, ...shop.exited().map((line) => `process: ${line}`)];

    const lockedOrdering = [
      ...samples.filter((s) => s.target === 'ordering' && s.phase === 'locked'),
      ...ledger.of('locked').attempts.map((a) => ({
        ms: a.answeredAt - a.sentAt,
        answer: a.outcome === 503 ? `503 ${problemSlug(a)}` : String(a.outcome),
      })),
    ];
    const of = (target: Neighbour, wanted: Phase) => summarise(samples.filter((s) => s.target === target && s.phase === wanted));
    return {
      pools: options.pools,
      ...settings,
      baseline: { identity: of('identity', 'baseline'), catalog: of('catalog', 'baseline') },
      locked: { identity: of('identity', 'locked'), catalog: of('catalog', 'locked') },
      orderingDuringLock: {
        answers: countBy(lockedOrdering, (s) => s.answer),
        p99Ms: percentile(
          lockedOrdering.map((s) => s.ms),
          0.99,
        ),
        maxMs: percentile(
          lockedOrdering.map((s) => s.ms),
          1,
        ),
      },
      violations,
    };
  } catch (error) {
    log(`failed; the monolith said:\n${shop.output().slice(-20_000)}`);
    throw error;
  } finally {
    await locker.end().catch(() => undefined);
    await shop.close();
  }
}

async function orderingTables(locker: pg.Client): Promise<string[]> {
  const { rows } = await locker.query<{ name: string }>(
    `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables WHERE schemaname = 'ordering' ORDER BY tablename`,
  );
  return rows.map((row) => row.name);
}

/** Takes every table in one transaction; the app's transactions hold some of them, so a deadlock is tried again. */
async function lockAll(locker: pg.Client, tables: string[]): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await locker.query('BEGIN');
      await locker.query(`LOCK TABLE ${tables.join(', ')} IN ACCESS EXCLUSIVE MODE`);
      return;
    } catch (error) {
      await locker.query('ROLLBACK');
      if ((error as { code?: string }).code !== '40P01' || attempt === LOCK_ATTEMPTS) throw error;
    }
  }
}

/** A customer registered through identity, whose token reads its own account. */
async function registeredUser(shop: ShopProcesses): Promise<string> {
  const response = await fetch(`${shop.baseUrl}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `reader-${randomUUID()}@shop.test`, password: `pw-${randomUUID()}`, displayName: 'Reader' }),
  });
  if (response.status !== 201) throw new Error(`registering answered ${response.status}: ${await response.text()}`);
  return shop.bearer(['customer'], ((await response.json()) as { id: string }).id);
}

/** The status of a GET (with a 503's problem type), or what went wrong on the way. */
async function get(url: string, bearer: string): Promise<string> {
  try {
    const response = await fetch(url, { headers: { authorization: bearer }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const body = (await response.json().catch(() => ({}))) as { type?: string };
    return response.status === 503 ? `503 ${body.type?.split('/').pop() ?? 'none'}` : String(response.status);
  } catch (error) {
    return (error as Error).name === 'TimeoutError' ? 'timeout' : 'network-error';
  }
}

function summarise(samples: Array<{ ms: number; answer: string }>): LatencySummary {
  const times = samples.map((s) => s.ms);
  return {
    requests: samples.length,
    failures: samples.filter((s) => !/^2\d\d$/.test(s.answer)).length,
    p50Ms: percentile(times, 0.5),
    p99Ms: percentile(times, 0.99),
    maxMs: percentile(times, 1),
  };
}

/** The value at quantile `q` (0..1) of `values`, nearest-rank (NaN for none). */
export function percentile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
