import { readFileSync } from 'node:fs';
import { startShop, type ShopUnderTest } from './support/shop.js';

interface Panel {
  type: string;
  title: string;
  targets?: Array<{ expr: string }>;
}

const DASHBOARD = 'tools/observability/grafana/dashboards/shop-migration.json';
/** What RabbitMQ's own exporter (rabbitmq_prometheus, per-object) names queue depths; the only names the apps do not export. */
const RABBITMQ_METRICS = new Set(['rabbitmq_queue_messages_ready', 'rabbitmq_queue_messages_unacked']);
/** PromQL's own words and the label names of the queries, which are not metric names. */
const PROMQL = /\b(sum|max|min|avg|by|rate|histogram_quantile|le|on|ignoring)\b/;

/** Metric names a query reads: identifiers outside braces and strings that are not functions or labels. */
function metricNames(expr: string): string[] {
  const outsideSelectors = expr.replace(/\{[^}]*\}/g, '{}').replace(/"[^"]*"/g, '""');
  const byClauses = outsideSelectors.replace(/\b(by|without)\s*\([^)]*\)/g, '');
  return [...byClauses.matchAll(/\b([a-z_][a-z0-9_]*)\b(?!\s*\()/g)]
    .map((m) => m[1]!)
    .filter((word) => !PROMQL.test(word) || word.includes('_'));
}

/** Every series name a Prometheus text exposition declares (`# TYPE`), with a histogram's _bucket, _sum and _count. */
function exportedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === 'histogram' || type === 'summary') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
  }
  return names;
}

describe('the provisioned Grafana dashboard', () => {
  let shop: ShopUnderTest;
  let exported: Set<string>;
  const panels = (JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[] }).panels.filter((panel) => panel.type !== 'row');

  beforeAll(async () => {
    shop = await startShop({ transport: 'in-process' });
    exported = exportedNames(
      (
        await shop
          .http()
          .get('/metrics')
          .set('Authorization', shop.bearer(['admin']))
          .expect(200)
      ).text,
    );
  }, 60_000);
  afterAll(() => shop?.close());

  it('reads the metric names of a query, not its functions, labels or values', () => {
    expect(metricNames('histogram_quantile(0.95, sum by (le, served_by) (rate(shop_a_bucket{context="x_y"}[1m]))) / max(shop_b)')).toEqual([
      'shop_a_bucket',
      'shop_b',
    ]);
  });

  it('has the strangler, saga and outbox panels, each with a query', () => {
    const titles = panels.map((panel) => panel.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        'Requests per second by who served them',
        'Error ratio (5xx) by who served them',
        'p95 latency by who served them',
        'Shadow mismatch ratio',
        'Circuit to the service (0 closed, 1 half-open, 2 open)',
        'Orders by status',
        'Outbox backlog',
      ]),
    );
    for (const panel of panels) expect(panel.targets?.length).toBeGreaterThan(0);
  });

  it.each(panels.map((panel) => [panel.title, panel] as const))(
    '"%s" queries only metrics the apps (or RabbitMQ) export',
    (_title, panel) => {
      for (const { expr } of panel.targets ?? []) {
        const names = metricNames(expr);
        expect(names.length).toBeGreaterThan(0);
        for (const name of names) {
          if (RABBITMQ_METRICS.has(name)) continue;
          expect({ expr, name, exported: exported.has(name) }).toEqual({ expr, name, exported: true });
        }
      }
    },
  );
});
