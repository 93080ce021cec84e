import { ConfigError, loadConfiguration } from '@shop/platform';
import { paymentsConfig } from './payments.config.js';

describe('payments configuration', () => {
  it('declines over 100000 cents by default', () => {
    expect(loadConfiguration([paymentsConfig], {}).get(paymentsConfig)).toEqual({ limitCents: 100000 });
  });

  it('refuses a negative or fractional limit', () => {
    expect(() => loadConfiguration([paymentsConfig], { PAYMENT_LIMIT_CENTS: '-1' })).toThrow(
      new ConfigError(['PAYMENT_LIMIT_CENTS: must not be below 0 (got "-1")']),
    );
    expect(() => loadConfiguration([paymentsConfig], { PAYMENT_LIMIT_CENTS: '1.5' })).toThrow(
      new ConfigError(['PAYMENT_LIMIT_CENTS: must be a whole number of cents (got "1.5")']),
    );
  });
});
