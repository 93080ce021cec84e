import { DeclineReason } from './charge-outcome.js';
import { PaymentLimit } from './payment-limit.js';
import { InvalidPaymentLimitError } from './payment.errors.js';

describe('PaymentLimit', () => {
  const limit = new PaymentLimit(100_000);

  it('captures an amount under the limit', () => {
    expect(limit.judge(99_999)).toEqual({ captured: true });
  });

  it('captures an amount exactly at the limit', () => {
    expect(limit.judge(100_000)).toEqual({ captured: true });
  });

  it('declines an amount one cent over the limit, saying why', () => {
    expect(limit.judge(100_001)).toEqual({ captured: false, reason: DeclineReason.LIMIT_EXCEEDED });
  });

  it('declines everything positive when the limit is zero', () => {
    expect(new PaymentLimit(0).judge(1)).toEqual({ captured: false, reason: DeclineReason.LIMIT_EXCEEDED });
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses %p as a limit', (limitCents) => {
    expect(() => new PaymentLimit(limitCents)).toThrow(InvalidPaymentLimitError);
  });
});
