import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type CounterConfiguration } from 'prom-client';
import { processCounters, type CounterReader } from './counters.js';

/** Seconds; from a cached read to a request that waited out the strangler's 3 s timeout. */
export const LATENCY_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** The labels of every HTTP RED metric; each takes values from a fixed set (never the raw URL or an id). */
export const HTTP_LABELS = ['context', 'route', 'method', 'status_class', 'served_by', 'mode'] as const;
export type HttpLabels = Record<(typeof HTTP_LABELS)[number], string>;

/** A value for a label that does not apply (a route outside any context, a context nobody strangles). */
export const NONE = 'none';

/**
 * One app's Prometheus metrics (prom-client), served at GET /metrics. The platform's own (HTTP RED,
 * messaging, Node.js process) are made here; other modules register theirs on `registry` (`counter`,
 * `gauge`, `histogram`), so every metric of a process is in one place and named `shop_*`.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = this.counter({ name: 'shop_http_requests_total', help: 'HTTP requests answered', labelNames: HTTP_LABELS });
  readonly httpErrors = this.counter({
    name: 'shop_http_request_errors_total',
    help: 'HTTP requests answered with a 5xx status',
    labelNames: HTTP_LABELS,
  });
  readonly httpDuration = this.histogram({
    name: 'shop_http_request_duration_seconds',
    help: 'Time from receiving an HTTP request to finishing its answer',
    labelNames: HTTP_LABELS,
  });

  readonly deliveries = this.counter({
    name: 'shop_consumer_deliveries_total',
    help:
      'Deliveries of integration events to a consuming context, by how they ended: ' +
      'handled, duplicate (skipped by the inbox), failed (to be retried), dead-lettered',
    labelNames: ['context', 'type', 'outcome'],
  });
  readonly handlingDuration = this.histogram({
    name: 'shop_consumer_handling_duration_seconds',
    help: 'Time a consuming context took to handle one delivery',
    labelNames: ['context', 'type', 'outcome'],
  });
  readonly relayPublishDuration = this.histogram({
    name: 'shop_outbox_publish_duration_seconds',
    help: 'Time the outbox relay waited for the transport to take one batch (broker confirms, or in-process handling)',
    labelNames: ['context'],
  });
  readonly relayLag = this.histogram({
    name: 'shop_outbox_relay_lag_seconds',
    help: 'Time from an event being written to the outbox to its relay handing it over',
    labelNames: ['context'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60],
  });

  constructor() {
    // Event-loop lag, heap, GC, handles, CPU: prom-client's process metrics.
    collectDefaultMetrics({ register: this.registry, prefix: 'shop_' });
  }

  /** Every metric in Prometheus text format, the process's own counters (timeouts, load shed) among them. */
  async render(counters: CounterReader = processCounters): Promise<string> {
    for (const { name, help, series } of counters.snapshot()) {
      if (this.registry.getSingleMetric(name) || series.length === 0) continue;
      const labelNames = Object.keys(series[0]!.labels);
      this.counter({
        name,
        help,
        labelNames,
        // Read when scraped: the registry keeps the counts, this counter shows them.
        collect(this: Counter<string>) {
          this.reset();
          for (const current of counters.snapshot().find((counter) => counter.name === name)?.series ?? [])
            this.inc(current.labels, current.value);
        },
      });
    }
    return this.registry.metrics();
  }

  counter<L extends string>(configuration: CounterConfiguration<L>): Counter<L> {
    return new Counter({ ...configuration, registers: [this.registry] });
  }

  histogram<L extends string>(configuration: { name: string; help: string; labelNames: readonly L[]; buckets?: number[] }): Histogram<L> {
    return new Histogram({ buckets: LATENCY_BUCKETS, ...configuration, registers: [this.registry] });
  }

  /** A gauge whose values are read when scraped (`collect` sets them). */
  gauge<L extends string>(configuration: {
    name: string;
    help: string;
    labelNames: readonly L[];
    collect?: (gauge: Gauge<L>) => Promise<void> | void;
  }): Gauge<L> {
    const { collect, ...rest } = configuration;
    return new Gauge<L>({
      ...rest,
      registers: [this.registry],
      ...(collect
        ? {
            async collect(this: Gauge<L>) {
              await collect(this);
            },
          }
        : {}),
    });
  }
}
