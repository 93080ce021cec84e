import { CAPTURED, declined, DeclineReason } from './charge-outcome.js';
import { PaymentRequest } from './payment-request.js';
import { Payment } from './payment.js';

describe('Payment', () => {
  const madeAt = new Date('2026-01-01T10:00:00.000Z');
  const later = new Date('2026-01-01T11:00:00.000Z');
  const request = PaymentRequest.of({ orderId: 'order-1', customerId: 'customer-1', amountCents: 2500 });
  const captured = () => Payment.settle('payment-1', request, CAPTURED, madeAt);
  const declinedPayment = () => Payment.settle('payment-1', request, declined(DeclineReason.LIMIT_EXCEEDED), madeAt);

  describe('settling a request', () => {
    it('is CAPTURED when the provider captured it', () => {
      expect(captured().snapshot()).toEqual({
        id: 'payment-1',
        orderId: 'order-1',
        customerId: 'customer-1',
        amountCents: 2500,
        status: 'CAPTURED',
        declineReason: null,
        createdAt: madeAt,
        updatedAt: madeAt,
      });
    });

    it("is DECLINED with the provider's reason when the provider declined it", () => {
      const payment = declinedPayment();
      expect(payment.status).toBe('DECLINED');
      expect(payment.declineReason).toBe(DeclineReason.LIMIT_EXCEEDED);
    });

    it('is DECLINED as ORDER_CLOSED when the order was cancelled first', () => {
      const payment = Payment.declineForClosedOrder('payment-1', request, madeAt);
      expect(payment.status).toBe('DECLINED');
      expect(payment.declineReason).toBe(DeclineReason.ORDER_CLOSED);
    });
  });

  describe('refunding', () => {
    it('moves a CAPTURED payment to REFUNDED and stamps the change', () => {
      const payment = captured();
      expect(payment.refund(later)).toBe(true);
      expect(payment.status).toBe('REFUNDED');
      expect(payment.snapshot().updatedAt).toEqual(later);
      expect(payment.snapshot().createdAt).toEqual(madeAt);
    });

    it('has no second effect on a REFUNDED payment', () => {
      const payment = captured();
      payment.refund(later);
      expect(payment.refund(new Date('2026-01-02T00:00:00.000Z'))).toBe(false);
      expect(payment.status).toBe('REFUNDED');
      expect(payment.snapshot().updatedAt).toEqual(later);
    });

    it('leaves a DECLINED payment DECLINED: nothing was taken, so nothing is given back', () => {
      const payment = declinedPayment();
      expect(payment.refund(later)).toBe(false);
      expect(payment.snapshot()).toEqual(declinedPayment().snapshot());
    });
  });

  describe('visibility', () => {
    it('is visible to its customer', () => {
      expect(captured().isVisibleTo({ id: 'customer-1', isAdmin: false })).toBe(true);
    });

    it('is visible to an admin', () => {
      expect(captured().isVisibleTo({ id: 'someone-else', isAdmin: true })).toBe(true);
    });

    it('is hidden from any other customer', () => {
      expect(captured().isVisibleTo({ id: 'someone-else', isAdmin: false })).toBe(false);
    });
  });

  it('restores from a snapshot without sharing it', () => {
    const state = captured().snapshot();
    const restored = Payment.restore(state);
    restored.refund(later);
    expect(state.status).toBe('CAPTURED');
    expect(restored.status).toBe('REFUNDED');
  });
});
