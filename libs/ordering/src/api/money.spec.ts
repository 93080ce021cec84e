import { moneyOf } from './money.js';

describe('moneyOf', () => {
  it.each([
    [999, '9.99'],
    [100_000, '1000.00'],
    [5, '0.05'],
    [50, '0.50'],
    [100, '1.00'],
    [0, '0.00'],
    [2_147_483_647, '21474836.47'],
  ])('shows %i cents as "%s"', (cents, amount) => {
    expect(moneyOf(cents, 'EUR')).toEqual({ amount, currency: 'EUR' });
  });

  it.each([[-1], [1.5], [Number.NaN], [2 ** 53]])('refuses %d, which is no amount of cents', (cents) => {
    expect(() => moneyOf(cents, 'EUR')).toThrow('Not an amount of cents');
  });
});
