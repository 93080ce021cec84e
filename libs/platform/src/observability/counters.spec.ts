import { CounterRegistry } from './counters.js';

describe('CounterRegistry', () => {
  it('counts per label set, whatever the labels order, and totals over the series that match', () => {
    const registry = new CounterRegistry();
    const timeouts = registry.counter('timeouts_total', 'Calls that timed out.');
    timeouts.inc({ call: 'sql', target: 'ordering' });
    timeouts.inc({ target: 'ordering', call: 'sql' });
    timeouts.inc({ call: 'request-reply', target: 'order-service' }, 3);

    expect(registry.total('timeouts_total')).toBe(5);
    expect(registry.total('timeouts_total', { call: 'sql' })).toBe(2);
    expect(registry.total('timeouts_total', { call: 'sql', target: 'catalog' })).toBe(0);
    expect(registry.total('never_defined_total')).toBe(0);
    expect(registry.snapshot()).toEqual([
      {
        name: 'timeouts_total',
        help: 'Calls that timed out.',
        series: [
          { labels: { call: 'sql', target: 'ordering' }, value: 2 },
          { labels: { call: 'request-reply', target: 'order-service' }, value: 3 },
        ],
      },
    ]);
  });

  it('gives the same counter for the same name, and refuses one name with two meanings', () => {
    const registry = new CounterRegistry();
    expect(registry.counter('shed_total', 'Calls shed.')).toBe(registry.counter('shed_total', 'Calls shed.'));
    expect(() => registry.counter('shed_total', 'Something else.')).toThrow(/already defined/);
  });
});
