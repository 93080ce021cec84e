import { CounterRegistry } from './counters.js';
import { Metrics } from './metrics.js';

describe('Metrics', () => {
  it("shows the process's own counters (timeouts, load shed) as Prometheus counters, with their counts when scraped", async () => {
    const counters = new CounterRegistry();
    const timeouts = counters.counter('shop_probe_timeouts_total', 'Probe calls that timed out');
    const metrics = new Metrics();
    timeouts.inc({ call: 'sql', target: 'ordering' });
    timeouts.inc({ call: 'sql', target: 'ordering' });

    const first = await metrics.render(counters);
    expect(first).toContain('# TYPE shop_probe_timeouts_total counter');
    expect(first).toContain('shop_probe_timeouts_total{call="sql",target="ordering"} 2');

    timeouts.inc({ call: 'request-reply', target: 'order-service' });
    const second = await metrics.render(counters);
    expect(second).toContain('shop_probe_timeouts_total{call="sql",target="ordering"} 2');
    expect(second).toContain('shop_probe_timeouts_total{call="request-reply",target="order-service"} 1');
  });
});
