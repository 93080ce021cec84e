import type { MessageType } from '@shop/contracts';
import type { CursorPage, Page, Transaction } from '@shop/platform';
import { Order, type OrderState } from '../../domain/order.js';
import type { OrderRepository } from '../ports/order.repository.port.js';
import { OrderSaga } from './order-saga.js';

const placedAt = new Date('2026-01-01T00:00:00Z');

/** An order as it sits in the store; each test states only what differs from a fresh one. */
const storedOrder = (changes: Partial<OrderState> = {}): OrderState => ({
  id: 'order-1',
  customerId: 'customer-1',
  status: 'PENDING',
  sagaStep: 'AWAITING_STOCK',
  lines: [
    { productId: 'p1', quantity: 2, unitPriceCents: 250 },
    { productId: 'p2', quantity: 1, unitPriceCents: 1000 },
  ],
  totalCents: 1500,
  rejectionReason: null,
  createdAt: placedAt,
  updatedAt: placedAt,
  ...changes,
});

/** Keeps snapshots, not the aggregates it hands out, so only `save` can change what is stored. */
class InMemoryOrders implements OrderRepository {
  readonly saved: OrderState[] = [];
  readonly transactionsSeen: Transaction[] = [];
  private readonly rows = new Map<string, OrderState>();

  constructor(...orders: OrderState[]) {
    for (const order of orders) this.rows.set(order.id, order);
  }

  stored(id: string): OrderState | undefined {
    return this.rows.get(id);
  }

  async findById(id: string): Promise<Order | null> {
    const row = this.rows.get(id);
    return row ? Order.restore(row) : null;
  }

  async findForUpdate(tx: Transaction, id: string): Promise<Order | null> {
    this.transactionsSeen.push(tx);
    return this.findById(id);
  }

  async save(tx: Transaction, order: Order): Promise<void> {
    this.transactionsSeen.push(tx);
    this.saved.push(order.snapshot());
    this.rows.set(order.id, order.snapshot());
  }

  async listByCustomer(): Promise<Page<Order>> {
    throw new Error('the saga never lists orders');
  }

  async listByCustomerAfter(): Promise<CursorPage<Order>> {
    throw new Error('the saga never lists orders');
  }
}

/** The saga only publishes through its transaction; the fake records that and has no entity manager. */
function recordingTransaction(): { tx: Transaction; published: Array<{ key: string; payload: unknown }> } {
  const published: Array<{ key: string; payload: unknown }> = [];
  const publishOnly: Pick<Transaction, 'publish'> = {
    publish: async (type: MessageType<unknown>, payload: unknown) => {
      published.push({ key: type.key, payload });
    },
  };
  return { tx: publishOnly as Transaction, published };
}

type SagaEvent = 'stock reserved' | 'stock reservation failed' | 'payment captured' | 'payment declined';

const deliver: Record<SagaEvent, (saga: OrderSaga, orderId: string, tx: Transaction) => Promise<void>> = {
  'stock reserved': (saga, orderId, tx) => saga.onStockReserved({ orderId, lines: [{ productId: 'p1', quantity: 2 }] }, tx),
  'stock reservation failed': (saga, orderId, tx) =>
    saga.onStockReservationFailed({ orderId, reason: 'OUT_OF_STOCK', shortLines: [{ productId: 'p1', quantity: 2 }] }, tx),
  'payment captured': (saga, orderId, tx) => saga.onPaymentCaptured({ orderId, paymentId: 'pay-1', amountCents: 1500 }, tx),
  'payment declined': (saga, orderId, tx) =>
    saga.onPaymentDeclined({ orderId, paymentId: 'pay-1', amountCents: 1500, reason: 'card declined' }, tx),
};

/** Delivers one event and reports what the saga saved and published, and when it ran. */
async function handle(orders: InMemoryOrders, event: SagaEvent, orderId = 'order-1') {
  const { tx, published } = recordingTransaction();
  const before = new Date();
  await deliver[event](new OrderSaga(orders), orderId, tx);
  return { tx, published, saved: orders.saved, before, after: new Date() };
}

/** Exactly one state was saved, stamped while the handler ran. */
function expectSavedOnce(outcome: Awaited<ReturnType<typeof handle>>, expected: OrderState): void {
  expect(outcome.saved).toEqual([{ ...expected, updatedAt: expect.any(Date) }]);
  const stampedAt = outcome.saved[0].updatedAt.getTime();
  expect(stampedAt).toBeGreaterThanOrEqual(outcome.before.getTime());
  expect(stampedAt).toBeLessThanOrEqual(outcome.after.getTime());
}

describe('OrderSaga', () => {
  describe('moves a pending order forward and says what happens next', () => {
    it('requests the payment of the order total once stock is reserved', async () => {
      const orders = new InMemoryOrders(storedOrder());
      const outcome = await handle(orders, 'stock reserved');

      expectSavedOnce(outcome, storedOrder({ sagaStep: 'AWAITING_PAYMENT' }));
      expect(outcome.published).toEqual([
        { key: 'payments.TakePayment.v1', payload: { orderId: 'order-1', customerId: 'customer-1', amountCents: 1500 } },
      ]);
      // Read under lock and written in the handler's own transaction, with its inbox row and outbox.
      expect(orders.transactionsSeen.map((seen) => seen === outcome.tx)).toEqual([true, true]);
    });

    it('rejects the order OUT_OF_STOCK when stock cannot be reserved', async () => {
      const orders = new InMemoryOrders(storedOrder());
      const outcome = await handle(orders, 'stock reservation failed');

      expectSavedOnce(outcome, storedOrder({ status: 'REJECTED', sagaStep: 'DONE', rejectionReason: 'OUT_OF_STOCK' }));
      expect(outcome.published).toEqual([{ key: 'ordering.OrderRejected.v1', payload: { orderId: 'order-1', reason: 'OUT_OF_STOCK' } }]);
    });

    it('confirms the order once the payment is captured', async () => {
      const orders = new InMemoryOrders(storedOrder({ sagaStep: 'AWAITING_PAYMENT' }));
      const outcome = await handle(orders, 'payment captured');

      expectSavedOnce(outcome, storedOrder({ status: 'CONFIRMED', sagaStep: 'DONE' }));
      expect(outcome.published).toEqual([{ key: 'ordering.OrderConfirmed.v1', payload: { orderId: 'order-1' } }]);
    });

    it('rejects the order PAYMENT_DECLINED when the payment is declined', async () => {
      const orders = new InMemoryOrders(storedOrder({ sagaStep: 'AWAITING_PAYMENT' }));
      const outcome = await handle(orders, 'payment declined');

      expectSavedOnce(outcome, storedOrder({ status: 'REJECTED', sagaStep: 'DONE', rejectionReason: 'PAYMENT_DECLINED' }));
      expect(outcome.published).toEqual([
        { key: 'ordering.OrderRejected.v1', payload: { orderId: 'order-1', reason: 'PAYMENT_DECLINED' } },
      ]);
    });
  });

  describe('publishes nothing and saves nothing', () => {
    const awaitingStock = storedOrder();
    const awaitingPayment = storedOrder({ sagaStep: 'AWAITING_PAYMENT' });
    const confirmed = storedOrder({ status: 'CONFIRMED', sagaStep: 'DONE' });
    const outOfStock = storedOrder({ status: 'REJECTED', sagaStep: 'DONE', rejectionReason: 'OUT_OF_STOCK' });
    const declined = storedOrder({ status: 'REJECTED', sagaStep: 'DONE', rejectionReason: 'PAYMENT_DECLINED' });
    const cancelled = storedOrder({ status: 'CANCELLED', sagaStep: 'DONE' });

    it.each<[string, OrderState, SagaEvent]>([
      ['a capture before stock is reserved', awaitingStock, 'payment captured'],
      ['a decline before stock is reserved', awaitingStock, 'payment declined'],
      ['stock reserved a second time', awaitingPayment, 'stock reserved'],
      ['a reservation failure after stock was reserved', awaitingPayment, 'stock reservation failed'],
      ['a second capture', confirmed, 'payment captured'],
      ['a decline after the capture', confirmed, 'payment declined'],
      ['stock reserved after the order was rejected out of stock', outOfStock, 'stock reserved'],
      ['a second reservation failure', outOfStock, 'stock reservation failed'],
      ['a capture after the payment was declined', declined, 'payment captured'],
      ['a second decline', declined, 'payment declined'],
    ])('for %s', async (_case, state, event) => {
      const orders = new InMemoryOrders(state);
      const { published, saved } = await handle(orders, event);

      expect(published).toEqual([]);
      expect(saved).toEqual([]);
      expect(orders.stored(state.id)).toEqual(state);
    });

    it.each<SagaEvent>(['stock reserved', 'stock reservation failed', 'payment captured', 'payment declined'])(
      'for %s on a cancelled order',
      async (event) => {
        const orders = new InMemoryOrders(cancelled);
        const { published, saved } = await handle(orders, event);

        expect(published).toEqual([]);
        expect(saved).toEqual([]);
        expect(orders.stored(cancelled.id)).toEqual(cancelled);
      },
    );

    it.each<SagaEvent>(['stock reserved', 'stock reservation failed', 'payment captured', 'payment declined'])(
      'for %s about an unknown order',
      async (event) => {
        const orders = new InMemoryOrders(awaitingStock);
        const { published, saved } = await handle(orders, event, 'no-such-order');

        expect(published).toEqual([]);
        expect(saved).toEqual([]);
        expect(orders.stored(awaitingStock.id)).toEqual(awaitingStock);
      },
    );
  });
});
