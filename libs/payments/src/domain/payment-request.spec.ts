import { MAX_AMOUNT_CENTS, PaymentRequest } from './payment-request.js';
import { InvalidPaymentAmountError } from './payment.errors.js';

describe('PaymentRequest', () => {
  const ids = { orderId: 'order-1', customerId: 'customer-1' };

  it.each([1, MAX_AMOUNT_CENTS])('keeps what was asked for %p cents', (amountCents) => {
    expect(PaymentRequest.of({ ...ids, amountCents })).toEqual({ ...ids, amountCents });
  });

  it.each([0, -5, 10.5, Number.NaN, MAX_AMOUNT_CENTS + 1])('refuses %p cents', (amountCents) => {
    expect(() => PaymentRequest.of({ ...ids, amountCents })).toThrow(InvalidPaymentAmountError);
  });
});
