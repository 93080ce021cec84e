import { Order, type OrderLine } from './order.js';
import { InvalidOrderLinesError, OrderNotCancellableError, OrderTotalTooLargeError } from './order.errors.js';

const now = new Date('2026-01-01T00:00:00Z');
const later = new Date('2026-01-01T00:00:01Z');
const line = (productId: string, quantity = 1, unitPriceCents = 250): OrderLine => ({ productId, quantity, unitPriceCents });
const place = (lines: OrderLine[] = [line('a', 2), line('b', 1, 1000)]) => Order.place({ id: 'o1', customerId: 'c1', lines, now });

describe('Order', () => {
  it('is placed PENDING, awaiting stock, with the total of its lines', () => {
    const state = place().snapshot();
    expect(state).toMatchObject({ status: 'PENDING', sagaStep: 'AWAITING_STOCK', totalCents: 2 * 250 + 1000, rejectionReason: null });
  });

  it.each([
    ['no lines', []],
    ['51 lines', Array.from({ length: 51 }, (_, i) => line(`p${i}`))],
    ['a zero quantity', [line('a', 0)]],
    ['a quantity over 100', [line('a', 101)]],
    ['a fractional quantity', [line('a', 1.5)]],
    ['a product twice', [line('a'), line('a')]],
    ['a zero price', [line('a', 1, 0)]],
  ])('refuses %s', (_case, lines) => {
    expect(() => place(lines as OrderLine[])).toThrow(InvalidOrderLinesError);
  });

  it('refuses a total over what one payment can carry', () => {
    expect(() => place([line('a', 100, 21_474_837)])).toThrow(OrderTotalTooLargeError);
    expect(() => place([line('a', 1, 2_147_483_647)])).not.toThrow();
  });

  it('accepts 50 lines of 100 units', () => {
    expect(() => place(Array.from({ length: 50 }, (_, i) => line(`p${i}`, 100)))).not.toThrow();
  });

  describe('saga', () => {
    it('requests payment once stock is reserved, then confirms on capture', () => {
      const order = place();
      expect(order.stockReserved(later)).toEqual({ kind: 'request-payment', amountCents: 1500 });
      expect(order.snapshot()).toMatchObject({ status: 'PENDING', sagaStep: 'AWAITING_PAYMENT', updatedAt: later });
      expect(order.paymentCaptured(later)).toEqual({ kind: 'confirmed' });
      expect(order.snapshot()).toMatchObject({ status: 'CONFIRMED', sagaStep: 'DONE' });
    });

    it('is rejected OUT_OF_STOCK when the reservation fails', () => {
      const order = place();
      expect(order.stockReservationFailed(later)).toEqual({ kind: 'rejected', reason: 'OUT_OF_STOCK' });
      expect(order.snapshot()).toMatchObject({ status: 'REJECTED', rejectionReason: 'OUT_OF_STOCK' });
    });

    it('is rejected PAYMENT_DECLINED when the payment is declined', () => {
      const order = place();
      order.stockReserved(later);
      expect(order.paymentDeclined(later)).toEqual({ kind: 'rejected', reason: 'PAYMENT_DECLINED' });
      expect(order.snapshot()).toMatchObject({ status: 'REJECTED', rejectionReason: 'PAYMENT_DECLINED' });
    });

    it('ignores events that arrive out of turn or twice', () => {
      const order = place();
      expect(order.paymentCaptured(later)).toEqual({ kind: 'none' });
      order.stockReserved(later);
      expect(order.stockReserved(later)).toEqual({ kind: 'none' });
      expect(order.stockReservationFailed(later)).toEqual({ kind: 'none' });
      order.paymentCaptured(later);
      expect(order.paymentDeclined(later)).toEqual({ kind: 'none' });
      expect(order.status).toBe('CONFIRMED');
    });

    it('ignores saga events once the order is cancelled', () => {
      const order = place();
      order.cancel(later);
      expect(order.stockReserved(later)).toEqual({ kind: 'none' });
      expect(order.status).toBe('CANCELLED');
    });
  });

  describe('cancel', () => {
    it('cancels a PENDING or a CONFIRMED order', () => {
      const pending = place();
      pending.cancel(later);
      expect(pending.status).toBe('CANCELLED');

      const confirmed = place();
      confirmed.stockReserved(later);
      confirmed.paymentCaptured(later);
      confirmed.cancel(later);
      expect(confirmed.status).toBe('CANCELLED');
    });

    it('refuses to cancel a REJECTED or an already CANCELLED order', () => {
      const rejected = place();
      rejected.stockReservationFailed(later);
      expect(() => rejected.cancel(later)).toThrow(OrderNotCancellableError);

      const cancelled = place();
      cancelled.cancel(later);
      expect(() => cancelled.cancel(later)).toThrow(OrderNotCancellableError);
    });
  });

  it('is visible to its owner and to admins only', () => {
    const order = place();
    expect(order.isVisibleTo({ id: 'c1', isAdmin: false })).toBe(true);
    expect(order.isVisibleTo({ id: 'c2', isAdmin: false })).toBe(false);
    expect(order.isVisibleTo({ id: 'c2', isAdmin: true })).toBe(true);
  });
});
