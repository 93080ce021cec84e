// Automatic rollback, timed: ordering in canary 50 behind a gate, customers ordering through two
// monolith instances, a fault injected into order-service; how long until both instances serve
// ordering from the monolith, over many drills per fault, and how many 5xx the customers saw.
import { randomUUID } from 'node:crypto';
import {
  createProducts,
  GENTLE_ORDERING,
  Ledger,
  orderServiceFaults,
  rollbackDrill,
  ShopProcesses,
  SteadyLoad,
  type Fault,
} from '@shop/testing';
import type { OnCleanup } from './shop.js';

export interface RollbackFault {
  fault: string;
  /** Fault injected to rollback in force on every facade instance, per drill. */
  timesMs: number[];
  /** Drills not rolled back within MISSED_AFTER_MS (or whose canary never went green): their time counts as that. */
  missed: number;
  /** HTTP attempts of the customers during this fault's drills, and how many were answered 5xx (or not at all). */
  attempts: number;
  errors: number;
}

/** The faults drilled: every answer a 5xx, or every answer 400 ms late. */
export const ROLLBACK_FAULT_KINDS = ['errors', 'slow'] as const;
export type RollbackFaultKind = (typeof ROLLBACK_FAULT_KINDS)[number];

export interface RollbackFigures {
  drills: number;
  faults: RollbackFault[];
}

const GATE = { windowS: 30, minRequests: 20, maxErrorRate: 0.05, dryRun: false };
/** A short window for the latency bound: after 10 s it holds only answers given since the fault. */
const LATENCY_GATE = { ...GATE, windowS: 10 };
/** The latency gate's bound over the service's healthy p99 measured just before each drill. */
const P99_HEADROOM_MS = 250;
/** A drill not rolled back this long after its fault is missed. */
export const MISSED_AFTER_MS = 30_000;

export const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};

export async function rollbackDrills(
  options: { drills: number; faults: RollbackFaultKind[]; logLevel: string; log: (line: string) => void },
  onCleanup: OnCleanup,
): Promise<RollbackFigures> {
  const shop = await ShopProcesses.start({ label: 'bench_rollback', monoliths: 2, orderServices: 1, logLevel: options.logLevel });
  onCleanup('rollback drill shop', () => shop.close());
  const admin = shop.bearer(['admin']);
  const products = [...(await createProducts(shop, admin)).keys()];
  const ledger = new Ledger();
  const loads = shop.baseUrls.map((baseUrl) => {
    const customers = Array.from({ length: 4 }, () => randomUUID()).map((id) => ({ id, bearer: shop.bearer(['customer'], id) }));
    const load = new SteadyLoad(
      {
        baseUrl,
        customers,
        products,
        ...GENTLE_ORDERING,
      },
      ledger,
    );
    load.start();
    return load;
  });
  onCleanup('rollback drill load', () => Promise.all(loads.map((load) => load.stop())));
  const kinds: Array<{ kind: RollbackFaultKind; fault: Fault; gate: typeof GATE; p99HeadroomMs?: number }> = [
    { kind: 'errors', fault: orderServiceFaults.errors(shop), gate: GATE },
    { kind: 'slow', fault: orderServiceFaults.slow(shop, 400), gate: LATENCY_GATE, p99HeadroomMs: P99_HEADROOM_MS },
  ];
  const faults: RollbackFault[] = [];
  for (const { fault, gate, p99HeadroomMs } of kinds.filter(({ kind }) => options.faults.includes(kind))) {
    const timesMs: number[] = [];
    loads.forEach((load) => (load.phase = fault.name));
    let missed = 0;
    for (let drill = 0; drill < options.drills; drill += 1) {
      const label = `rollback drill ${fault.name} ${drill + 1}/${options.drills}`;
      try {
        const result = await rollbackDrill(shop, fault, { admin, gate, p99HeadroomMs, rollbackWithinMs: MISSED_AFTER_MS });
        timesMs.push(result.timeToRollbackMs);
        const healthy = `healthy p99 service ${result.healthyP99Ms?.service} ms, monolith ${result.healthyP99Ms?.monolith} ms`;
        options.log(`${label}: ${result.timeToRollbackMs} ms (${result.reason}; ${healthy})`);
      } catch (error) {
        // Not rolled back in time (or the canary never went green): counted as missed, the next drill goes on.
        missed += 1;
        options.log(`${label}: missed (${(error as Error).message.slice(0, 300)})`);
        await fault.restore();
      }
    }
    const { attempts } = ledger.of(fault.name);
    const errors = attempts.filter((attempt) => typeof attempt.outcome !== 'number' || attempt.outcome >= 500).length;
    faults.push({ fault: fault.name, timesMs, missed, attempts: attempts.length, errors });
  }
  await Promise.all(loads.map((load) => load.stop()));
  return { drills: options.drills, faults };
}
