import { loadConfiguration } from '../config/config-slice.js';
import { contextNameOf } from './context-label.guard.js';
import { observabilityConfig } from './observability.config.js';

describe('the context label of a controller', () => {
  it.each([
    ['CatalogModule', 'catalog'],
    ['OrderingHttpModule', 'ordering'],
    ['ApiUsageModule', 'api-usage'],
    ['StranglerModule', 'strangler'],
    ['ObservabilityModule', 'observability'],
  ])('is the name of its module: %s -> %s', (module, context) => {
    expect(contextNameOf(module)).toBe(context);
  });
});

describe('METRICS_SCRAPE_TOKEN', () => {
  const load = (value: string | undefined) =>
    loadConfiguration([observabilityConfig], { METRICS_SCRAPE_TOKEN: value }).get(observabilityConfig);

  it('is optional: without it only admins read the metrics', () => {
    expect(load(undefined).scrapeToken).toBeUndefined();
    expect(load('').scrapeToken).toBeUndefined();
  });

  it('takes a long token', () => {
    expect(load('a'.repeat(32)).scrapeToken).toBe('a'.repeat(32));
  });

  it('refuses a short one or one with spaces, without echoing it', () => {
    expect(() => load('short')).toThrow(/METRICS_SCRAPE_TOKEN: must be 32 to 256 characters/);
    expect(() => load(`${'a'.repeat(20)} ${'b'.repeat(20)}`)).toThrow(/METRICS_SCRAPE_TOKEN/);
    expect(() => load('short-secret')).not.toThrow(/short-secret/);
  });
});
