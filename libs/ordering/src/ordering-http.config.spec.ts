import { ConfigError, loadConfiguration } from '@shop/platform';
import { orderingHttpConfig } from './ordering-http.config.js';

const load = (env: Record<string, string>) => loadConfiguration([orderingHttpConfig], env).get(orderingHttpConfig);
const problemsOf = (env: Record<string, string>): string[] => {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
};

describe("ordering's HTTP configuration", () => {
  it('shows money in EUR, v1 deprecated on 2026-12-02 and sunset on 2027-07-01 by default', () => {
    expect(load({})).toEqual({
      currency: 'EUR',
      ordersV1: { deprecatedAt: new Date('2026-12-02T00:00:00Z'), sunsetAt: new Date('2027-07-01T00:00:00Z') },
    });
  });

  it('reads the currency and the dates, a date alone being midnight UTC', () => {
    expect(load({ ORDERING_CURRENCY: 'GBP', ORDERS_V1_DEPRECATION: '2027-01-15T12:00:00+01:00', ORDERS_V1_SUNSET: '2027-09-30' })).toEqual({
      currency: 'GBP',
      ordersV1: { deprecatedAt: new Date('2027-01-15T11:00:00Z'), sunsetAt: new Date('2027-09-30T00:00:00Z') },
    });
  });

  it.each([['eur'], ['EURO'], ['XXX'], ['JPY'], ['BHD']])('refuses %s: not a currency counted in hundredths', (currency) => {
    expect(problemsOf({ ORDERING_CURRENCY: currency })).toEqual([
      `ORDERING_CURRENCY: must be an ISO 4217 currency code whose minor unit is a hundredth (EUR, USD, GBP, ...) (got "${currency}")`,
    ]);
  });

  it.each([['next year'], ['2027-13-01'], ['2027-07-01T00:00:00'], ['1782864000']])('refuses the date %s', (date) => {
    expect(problemsOf({ ORDERS_V1_SUNSET: date })).toEqual([
      `ORDERS_V1_SUNSET: must be an ISO-8601 date (2027-07-01) or date-time with a zone (2027-07-01T00:00:00Z) (got "${date}")`,
    ]);
  });

  it('refuses a sunset that is not after the deprecation', () => {
    expect(problemsOf({ ORDERS_V1_DEPRECATION: '2027-07-01', ORDERS_V1_SUNSET: '2027-07-01T00:00:00Z' })).toEqual([
      'ORDERS_V1_SUNSET: must be later than ORDERS_V1_DEPRECATION',
    ]);
  });
});
