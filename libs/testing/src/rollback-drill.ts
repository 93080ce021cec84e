// A rollback drill: a context in canary behind a gate, a fault injected into its service, and the time
// until every facade instance serves it from the monolith again.
import { until } from './eventually.js';
import type { LoadOptions } from './fault-matrix/steady-load.js';
import type { ShopProcesses } from './shop-processes.js';

/** Customers ordering at a pace a shared 2-core machine bears beside the apps (SteadyLoad's options but whom and what). */
export const GENTLE_ORDERING: Omit<LoadOptions, 'baseUrl' | 'customers' | 'products'> = {
  keylessIntervalMs: 500,
  cancelEvery: 3,
  thinkMs: 150,
  maxRetryWaitMs: 1000,
  finishWithinMs: 20_000,
  requestTimeoutMs: 10_000,
};

/** Calls the strangler's admin API of one instance as `admin`: status and JSON body (empty on 204). */
export function stranglerAdminApi(admin: string) {
  return async (baseUrl: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${baseUrl}/api/v1/admin/strangler${path}`, {
      method,
      headers: { authorization: admin, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json().catch(() => ({}))) as Record<string, unknown> };
  };
}

/** Something that goes wrong with the service, and how to undo it. */
export interface Fault {
  name: string;
  inject(): void | Promise<void>;
  restore(): void | Promise<void>;
}

/** Faults of order-service, made from the outside: the processes are not told. */
export const orderServiceFaults = {
  /** Every order-service instance loses its database: every answer it gives is a 5xx. */
  errors: (shop: ShopProcesses): Fault => ({
    name: 'errors',
    inject: () => shop.orderServices.forEach((instance) => instance.links.postgres.cut()),
    restore: () => shop.orderServices.forEach((instance) => instance.links.postgres.restore()),
  }),
  /** Every request reaches order-service `ms` later (its broker link holds what the broker delivers). */
  slow: (shop: ShopProcesses, ms: number): Fault => ({
    name: `+${ms} ms`,
    inject: () => shop.orderServices.forEach((instance) => instance.links.broker.delay(ms, 'downstream')),
    restore: () => shop.orderServices.forEach((instance) => instance.links.broker.delay(0, 'downstream')),
  }),
};

/** The gate stays green this long before the fault: what the last fault left behind has passed. */
const STEADY_GREEN_MS = 3000;

export interface DrillOptions {
  admin: string;
  /** The gate set before the canary (the admin API's body). */
  gate: Record<string, unknown>;
  /**
   * When set, once the gate is green the drill bounds the p99 at the service's p99 over the gate's window
   * plus this much: a latency bound that holds on whatever machine the drill runs on.
   */
  p99HeadroomMs?: number;
  context?: string;
  percent?: number;
  /** The facade instances that must all serve from the monolith (default: every monolith started). */
  baseUrls?: string[];
  /** How long the gate may take to go green before the fault (traffic must reach the service first). */
  greenWithinMs?: number;
  rollbackWithinMs?: number;
}

export interface DrillResult {
  fault: string;
  /** From the fault's injection until the last facade instance routes the context to the monolith. */
  timeToRollbackMs: number;
  /** The reason the audit gives for the rollback. */
  reason: string;
  /** The p99 bound set from the healthy window (with `p99HeadroomMs`), and that window's p99 per side. */
  maxP99Ms?: number;
  healthyP99Ms?: { service?: number; monolith?: number };
}

/**
 * Puts the context in canary (the gate must be set, and customers ordering), waits for its gate to go
 * green, injects the fault, and measures how long until every facade instance routes the context to
 * the monolith; then takes the fault away and returns the audit's reason.
 */
export async function rollbackDrill(shop: ShopProcesses, fault: Fault, options: DrillOptions): Promise<DrillResult> {
  const { admin, context = 'ordering', percent = 50, greenWithinMs = 60_000, rollbackWithinMs = 30_000 } = options;
  const baseUrls = options.baseUrls ?? shop.baseUrls;
  const api = stranglerAdminApi(admin);
  if ((await api(baseUrls[0]!, 'PUT', `/gates/${context}`, options.gate)).status !== 200)
    throw new Error(`the ${context} gate was refused`);
  await serviceAnswers(baseUrls[0]!, admin, context === 'ordering' ? '/api/v1/orders' : `/api/v1/${context}`, greenWithinMs);
  // Straight after a fault, clients still retry what it left unanswered, and some of those retries fail
  // on the service: a canary that the gate sends back before it went green is tried again.
  let gate: Record<string, unknown> = {};
  let greenSince: number | undefined;
  const modeOf = async (baseUrl: string) => {
    const routes = (await api(baseUrl, 'GET', '/routes')).body.routes as Array<{ context: string; mode: string }> | undefined;
    return routes?.find((route) => route.context === context)?.mode;
  };
  try {
    await until(
      async () => {
        if ((await modeOf(baseUrls[0]!)) !== 'canary') {
          if ((await api(baseUrls[0]!, 'PUT', `/routes/${context}`, { mode: 'canary', percent })).status !== 200) return false;
        }
        gate = (await api(baseUrls[0]!, 'GET', `/gates/${context}`)).body;
        if ((gate.state as { status?: string } | undefined)?.status !== 'green') {
          greenSince = undefined;
          return false;
        }
        greenSince ??= Date.now();
        return Date.now() - greenSince >= STEADY_GREEN_MS;
      },
      greenWithinMs,
      `the ${context} gate green in canary before the fault`,
    );
  } catch (error) {
    const outcomes = (await api(baseUrls[0]!, 'GET', `/outcomes/${context}?windowS=30&stepS=30`)).body.totals;
    throw new Error(`${(error as Error).message}: ${JSON.stringify({ gate, outcomes })}`);
  }
  // The healthy figures come from the last STEADY_GREEN_MS only: the gate's window starts at the route's
  // change back to canary, where answers the previous fault held up may still land.
  const lastS = STEADY_GREEN_MS / 1000;
  const healthy = (await api(baseUrls[0]!, 'GET', `/outcomes/${context}?windowS=${lastS}&stepS=${lastS}`)).body.totals as Record<
    'service' | 'monolith',
    { p99Ms: number | null }
  >;
  const healthyP99Ms = { service: healthy.service.p99Ms ?? undefined, monolith: healthy.monolith.p99Ms ?? undefined };
  let maxP99Ms: number | undefined;
  if (options.p99HeadroomMs !== undefined) {
    maxP99Ms = Math.ceil((healthyP99Ms.service ?? 0) + options.p99HeadroomMs);
    if ((await api(baseUrls[0]!, 'PUT', `/gates/${context}`, { ...options.gate, maxP99Ms })).status !== 200)
      throw new Error('the p99 bound was refused');
  }
  const lastRollback = await latestRollbackId(api, baseUrls[0]!, context);
  const injectedAt = Date.now();
  await fault.inject();
  try {
    await until(
      async () => {
        const modes = await Promise.all(baseUrls.map(modeOf));
        return modes.every((mode) => mode === 'monolith');
      },
      rollbackWithinMs,
      `every instance serving ${context} from the monolith after ${fault.name}`,
    );
  } catch (error) {
    const state = (await api(baseUrls[0]!, 'GET', `/gates/${context}`)).body.state;
    throw new Error(`${(error as Error).message} (bound ${maxP99Ms} ms, gate ${JSON.stringify(state)})`);
  } finally {
    await fault.restore();
  }
  const timeToRollbackMs = Date.now() - injectedAt;
  const entries = (await api(baseUrls[0]!, 'GET', `/audit?context=${context}&limit=20`)).body.entries as AuditEntry[];
  const rollback = entries.find((entry) => entry.action === 'gate.rollback' && entry.id > lastRollback);
  if (!rollback) throw new Error(`${context} went back to the monolith after ${fault.name}, but not by a gate rollback`);
  return { fault: fault.name, timeToRollbackMs, reason: String(rollback.details?.reason), maxP99Ms, healthyP99Ms };
}

interface AuditEntry {
  id: number;
  action: string;
  details?: Record<string, unknown>;
}

type Api = (baseUrl: string, method: string, path: string) => Promise<{ body: Record<string, unknown> }>;

async function latestRollbackId(api: Api, baseUrl: string, context: string): Promise<number> {
  const entries = (await api(baseUrl, 'GET', `/audit?context=${context}&limit=50`)).body.entries as AuditEntry[];
  return entries.find((entry) => entry.action === 'gate.rollback')?.id ?? 0;
}

/** Reads served by the service (an admin's X-Strangler-Route) until three in a row succeed: it has recovered from the last fault. */
async function serviceAnswers(baseUrl: string, admin: string, path: string, withinMs: number): Promise<void> {
  let inARow = 0;
  await until(
    async () => {
      const response = await fetch(`${baseUrl}${path}`, { headers: { authorization: admin, 'x-strangler-route': 'service' } });
      await response.body?.cancel();
      inARow = response.status === 200 ? inARow + 1 : 0;
      return inARow >= 3;
    },
    withinMs,
    'the service answering again',
  );
}
