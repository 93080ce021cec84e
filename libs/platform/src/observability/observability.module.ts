import { Global, Inject, Injectable, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ConfigModule } from '../config/config.module.js';
import { HostedContexts } from '../messaging/hosted-contexts.js';
import { MESSAGE_TRANSPORT, type MessageTransport } from '../messaging/message-transport.js';
import { ContextLabelGuard } from './context-label.guard.js';
import { Metrics } from './metrics.js';
import { MetricsController } from './metrics.controller.js';
import { observabilityConfig } from './observability.config.js';
import { flushTracing } from './tracing.js';

/** How each delivery to a consuming context ended, and the outbox of every hosted context as it is when scraped. */
@Injectable()
class MessagingMetrics implements OnApplicationBootstrap {
  constructor(
    @Inject(Metrics) private readonly metrics: Metrics,
    @Inject(MESSAGE_TRANSPORT) private readonly transport: MessageTransport,
    @Inject(HostedContexts) private readonly hosted: HostedContexts,
  ) {}

  onApplicationBootstrap(): void {
    this.transport.observe(({ context, type, outcome, durationMs }) => {
      const labels = { context, type, outcome };
      this.metrics.deliveries.inc(labels);
      this.metrics.handlingDuration.observe(labels, durationMs / 1000);
    });
    const outboxes = () => this.outboxes();
    this.metrics.gauge({
      name: 'shop_outbox_backlog',
      help: 'Outbox rows not yet published (dead ones excluded), per context',
      labelNames: ['context'],
      collect: async (gauge) => {
        gauge.reset();
        for (const row of await outboxes()) gauge.set({ context: row.context }, row.backlog);
      },
    });
    this.metrics.gauge({
      name: 'shop_outbox_oldest_unpublished_age_seconds',
      help: 'Age of the oldest outbox row not yet published (0 when none), per context',
      labelNames: ['context'],
      collect: async (gauge) => {
        gauge.reset();
        for (const row of await outboxes()) gauge.set({ context: row.context }, row.oldestAgeSeconds);
      },
    });
    this.metrics.gauge({
      name: 'shop_outbox_dead',
      help: 'Outbox rows set aside as dead after their last attempt, per context',
      labelNames: ['context'],
      collect: async (gauge) => {
        gauge.reset();
        for (const row of await outboxes()) gauge.set({ context: row.context }, row.dead);
      },
    });
  }

  /** One read of every hosted context's outbox per scrape (the gauges above share it). */
  private pending: Promise<OutboxFigures[]> | undefined;

  private outboxes(): Promise<OutboxFigures[]> {
    this.pending ??= Promise.all(this.hosted.all().map((context) => outboxFigures(context.name, context.database.dataSource))).finally(() =>
      setImmediate(() => (this.pending = undefined)),
    );
    return this.pending;
  }
}

interface OutboxFigures {
  context: string;
  backlog: number;
  dead: number;
  oldestAgeSeconds: number;
}

async function outboxFigures(
  context: string,
  dataSource: { query: (sql: string) => Promise<Array<Record<string, unknown>>> },
): Promise<OutboxFigures> {
  // Uses the partial index of unpublished rows; dead rows are few.
  const [row] = await dataSource
    .query(
      `SELECT count(*) FILTER (WHERE dead_at IS NULL) AS backlog, count(*) FILTER (WHERE dead_at IS NOT NULL) AS dead,
              COALESCE(EXTRACT(EPOCH FROM now() - min(occurred_at) FILTER (WHERE dead_at IS NULL)), 0) AS oldest
         FROM "${context}".outbox WHERE published_at IS NULL`,
    )
    .catch(() => [undefined]);
  return { context, backlog: Number(row?.backlog ?? 0), dead: Number(row?.dead ?? 0), oldestAgeSeconds: Number(row?.oldest ?? 0) };
}

/**
 * Prometheus metrics at GET /metrics (admin or scrape credential), the HTTP RED metrics' context
 * label, and the messaging metrics. Tracing is started by the app's main (startTracing) before anything else.
 */
@Global()
@Module({
  imports: [ConfigModule.forFeature(observabilityConfig)],
  controllers: [MetricsController],
  providers: [Metrics, MessagingMetrics, { provide: APP_GUARD, useClass: ContextLabelGuard }],
  exports: [Metrics],
})
export class ObservabilityModule implements OnApplicationShutdown {
  /** Spans still buffered leave before the process does. */
  async onApplicationShutdown(): Promise<void> {
    await flushTracing();
  }
}
