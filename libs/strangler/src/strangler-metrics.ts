import type { Counter, Histogram } from 'prom-client';
import type { Metrics } from '@shop/platform';
import type { RemoteOutcome } from './remote/remote-service.js';
import type { RemoteServices } from './remote/remote-services.js';
import type { RouteTable } from './routing/route-table.js';
import { STRANGLER_MODES } from './routing/strangleable-context.js';
import type { ShadowComparer } from './shadow/shadow-comparer.js';

/** Circuit states as numbers, for a gauge: 0 closed, 1 half-open, 2 open (worse is higher). */
export const CIRCUIT_STATES = { closed: 0, 'half-open': 1, open: 2, isolated: 3 } as const;

/** The strangler's metrics: calls to extracted services and their circuits, fallbacks, shadow comparisons, routes. */
export class StranglerMetrics {
  private readonly remoteCalls: Histogram<'service' | 'outcome'>;
  private readonly fallbacks: Counter<'context'>;

  constructor(metrics: Metrics) {
    this.remoteCalls = metrics.histogram({
      name: 'shop_strangler_remote_call_duration_seconds',
      help: 'Calls from the facade to an extracted service, by how they ended: ok, problem (a 4xx/5xx answer), unavailable, circuit-open',
      labelNames: ['service', 'outcome'],
    });
    this.fallbacks = metrics.counter({
      name: 'shop_strangler_fallbacks_total',
      help: 'Reads served by the monolith because the service that should have served them was unavailable',
      labelNames: ['context'],
    });
  }

  remoteCall(service: string, outcome: RemoteOutcome, seconds: number): void {
    this.remoteCalls.observe({ service, outcome }, seconds);
  }

  fellBack(context: string): void {
    this.fallbacks.inc({ context });
  }

  /** The figures other parts already keep, read when scraped. */
  register(metrics: Metrics, sources: { remotes: RemoteServices; shadow: ShadowComparer; routes: RouteTable }): void {
    metrics.gauge({
      name: 'shop_strangler_circuit_state',
      help: 'Circuit to an extracted service: 0 closed, 1 half-open, 2 open, 3 isolated',
      labelNames: ['service'],
      collect: (gauge) => {
        gauge.reset();
        for (const remote of sources.remotes.all()) gauge.set({ service: remote.service }, CIRCUIT_STATES[remote.circuit]);
      },
    });
    metrics.gauge({
      name: 'shop_strangler_bulkhead_calls',
      help: 'Calls to an extracted service held by its bulkhead now: in flight (sent) or queued (waiting for a slot)',
      labelNames: ['service', 'state'],
      collect: (gauge) => {
        gauge.reset();
        for (const { service, inFlight, queued } of sources.remotes.bulkheads()) {
          gauge.set({ service, state: 'in_flight' }, inFlight);
          gauge.set({ service, state: 'queued' }, queued);
        }
      },
    });
    metrics.gauge({
      name: 'shop_strangler_route_mode',
      help: "1 for the mode each strangleable context's route is in now, 0 for the others",
      labelNames: ['context', 'mode'],
      collect: (gauge) => {
        gauge.reset();
        for (const route of sources.routes.list()) {
          for (const mode of STRANGLER_MODES) gauge.set({ context: route.context, mode }, route.mode === mode ? 1 : 0);
        }
      },
    });
    metrics.counter({
      name: 'shop_strangler_shadow_reads_total',
      help: 'Shadow comparisons, by result: match, mismatch, unavailable (the service could not answer)',
      labelNames: ['context', 'route', 'result'],
      collect(this: Counter<'context' | 'route' | 'result'>) {
        // The comparer keeps the counts: copied as they are when scraped.
        this.reset();
        for (const [context, routes] of Object.entries(sources.shadow.snapshot())) {
          for (const [route, counts] of Object.entries(routes)) {
            this.inc({ context, route, result: 'match' }, counts.matches);
            this.inc({ context, route, result: 'mismatch' }, counts.mismatches);
            this.inc({ context, route, result: 'unavailable' }, counts.unavailable);
          }
        }
      },
    });
  }
}
