import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Metrics, UnitOfWork } from '@shop/platform';

/** The saga as Prometheus sees it when it scrapes: orders by state, and how long orders lately took to reach a final one. */
@Injectable()
export class SagaMetrics implements OnModuleInit {
  constructor(
    @Inject(Metrics) private readonly metrics: Metrics,
    @Inject(UnitOfWork) private readonly uow: UnitOfWork,
  ) {}

  onModuleInit(): void {
    this.metrics.gauge({
      name: 'shop_saga_orders',
      help: 'Orders by status (PENDING ones by saga step)',
      labelNames: ['status', 'step'],
      collect: async (gauge) => {
        const rows: Array<{ status: string; step: string; count: string }> = await this.uow.manager.query(
          `SELECT status, CASE WHEN status = 'PENDING' THEN saga_step ELSE 'DONE' END AS step, count(*) AS count
             FROM ordering.orders GROUP BY 1, 2`,
        );
        gauge.reset();
        for (const row of rows) gauge.set({ status: row.status, step: row.step }, Number(row.count));
      },
    });
    this.metrics.gauge({
      name: 'shop_saga_completion_seconds',
      help: 'Time from an order being placed to its final state (confirmed or rejected), over orders that ended in the last 5 minutes',
      labelNames: ['quantile'],
      collect: async (gauge) => {
        const [row]: Array<Record<string, number | null>> = await this.uow.manager.query(
          `SELECT percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM updated_at - created_at)) AS q
             FROM ordering.orders
            WHERE status IN ('CONFIRMED', 'REJECTED') AND updated_at > now() - interval '5 minutes'`,
        );
        gauge.reset();
        const quantiles = (row?.q as unknown as number[] | null) ?? [];
        ['0.5', '0.95', '0.99'].forEach((quantile, i) => {
          if (quantiles[i] !== undefined && quantiles[i] !== null) gauge.set({ quantile }, Number(quantiles[i]));
        });
      },
    });
  }
}
