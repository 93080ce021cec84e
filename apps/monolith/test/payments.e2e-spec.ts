import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Response } from 'supertest';
import {
  OrderCancelledV1,
  PaymentCapturedV1,
  PaymentDeclinedV1,
  PaymentRefundedV1,
  PaymentRequestedV1,
  TakePaymentV1,
  type MessageEnvelope,
  type MessageType,
} from '@shop/contracts';
import { dataSourceToken, MESSAGE_TRANSPORT, type MessageTransport } from '@shop/platform';
import { DeliveryRecorder, testTransport } from '@shop/testing';
import { startShop, type ShopUnderTest } from './support/shop.js';

/** Small enough to prove PAYMENT_LIMIT_CENTS is honoured (the default is 100000). */
const LIMIT = 5000;

interface PaymentRow {
  id: string;
  order_id: string;
  customer_id: string;
  amount_cents: number;
  status: string;
  decline_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

interface OutboxRow {
  type: string;
  version: number;
  payload: Record<string, unknown>;
  correlation_id: string;
  causation_id: string | null;
}

describe('payments (monolith on PostgreSQL, driven by hand-made integration events)', () => {
  let shop: ShopUnderTest;
  let deliveriesToPayments: DeliveryRecorder;
  let db: DataSource;

  beforeAll(async () => {
    shop = await startShop({ env: { PAYMENT_LIMIT_CENTS: String(LIMIT) } });
    deliveriesToPayments = new DeliveryRecorder(shop.app.get<MessageTransport>(MESSAGE_TRANSPORT));
    db = shop.app.get<DataSource>(dataSourceToken('payments'));
  });
  afterAll(async () => {
    deliveriesToPayments?.close();
    await shop?.close();
  });

  const envelopeOf = <P>(type: MessageType<P>, payload: P): MessageEnvelope<P> => ({
    messageId: randomUUID(),
    type: type.type,
    version: type.version,
    correlationId: `payments-e2e-${randomUUID()}`,
    causationId: null,
    occurredAt: new Date().toISOString(),
    payload,
  });

  const inboxRowsOf = (messageId: string): Promise<unknown[]> =>
    db.query('SELECT 1 FROM payments.inbox WHERE message_id = $1', [messageId]);

  /**
   * Hands one envelope over as a relay would, and resolves once payments is done with this copy; also
   * answers what `publish` returned (in-process, the handler's error; over RabbitMQ, the broker's word).
   */
  async function handOver(envelope: MessageEnvelope): Promise<Error | null> {
    const { published, deliveries } = await deliveriesToPayments.handOver(envelope, 'payments');
    if (deliveries.some((delivery) => delivery.outcome === 'failed'))
      throw new Error(`payments failed to handle ${envelope.type} ${envelope.messageId}`);
    return published;
  }

  async function deliver<P>(type: MessageType<P>, payload: P): Promise<MessageEnvelope<P>> {
    const envelope = envelopeOf(type, payload);
    await handOver(envelope);
    return envelope;
  }

  const newOrder = (amountCents: number) => ({ orderId: randomUUID(), customerId: randomUUID(), amountCents });
  const requestPayment = (request: TakePaymentV1) => deliver(TakePaymentV1, request);
  const cancelOrder = (request: { orderId: string; customerId: string }) =>
    deliver(OrderCancelledV1, { orderId: request.orderId, customerId: request.customerId });

  const paymentsOf = (orderId: string): Promise<PaymentRow[]> => db.query('SELECT * FROM payments.payments WHERE order_id = $1', [orderId]);
  const outboxOf = (orderId: string): Promise<OutboxRow[]> =>
    db.query(
      `SELECT type, version, payload, correlation_id, causation_id FROM payments.outbox WHERE payload->>'orderId' = $1 ORDER BY position`,
      [orderId],
    );
  const typesIn = (rows: OutboxRow[]) => rows.map((row) => `${row.type}.v${row.version}`);

  const listPayments = (query: string, authorization?: string) => {
    const call = shop.http().get(`/api/v1/payments${query}`);
    return authorization ? call.set('Authorization', authorization) : call;
  };

  const expectProblem = (response: Response, status: number) => {
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toEqual(
      expect.objectContaining({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) }),
    );
  };
  const expectBadField = (response: Response, field: string) => {
    expectProblem(response, 400);
    expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  };

  describe('taking a payment (TakePaymentV1)', () => {
    it('captures an amount under the limit and publishes PaymentCapturedV1 in the same transaction', async () => {
      const request = newOrder(LIMIT - 1);
      const envelope = await requestPayment(request);

      const [payment, ...others] = await paymentsOf(request.orderId);
      expect(others).toEqual([]);
      expect(payment).toEqual(
        expect.objectContaining({
          order_id: request.orderId,
          customer_id: request.customerId,
          amount_cents: LIMIT - 1,
          status: 'CAPTURED',
          decline_reason: null,
        }),
      );
      expect(payment!.created_at).toEqual(payment!.updated_at);

      expect(await outboxOf(request.orderId)).toEqual([
        {
          type: PaymentCapturedV1.type,
          version: PaymentCapturedV1.version,
          payload: { orderId: request.orderId, paymentId: payment!.id, amountCents: LIMIT - 1 },
          // The event carries the chain it belongs to: same correlation, caused by the request.
          correlation_id: envelope.correlationId,
          causation_id: envelope.messageId,
        },
      ]);
    });

    it('still takes a payment asked for under its earlier name (PaymentRequestedV1), once', async () => {
      const request = newOrder(1500);
      const envelope = await deliver(PaymentRequestedV1, request);
      await handOver(envelope);

      expect(deliveriesToPayments.of(envelope.messageId, 'payments').map((delivery) => delivery.outcome)).toEqual(['handled', 'duplicate']);
      expect((await paymentsOf(request.orderId)).map((row) => row.status)).toEqual(['CAPTURED']);
      expect(typesIn(await outboxOf(request.orderId))).toEqual([PaymentCapturedV1.key]);
    });

    it('captures an amount exactly at the limit', async () => {
      const request = newOrder(LIMIT);
      await requestPayment(request);

      expect((await paymentsOf(request.orderId)).map((row) => row.status)).toEqual(['CAPTURED']);
      expect(typesIn(await outboxOf(request.orderId))).toEqual([PaymentCapturedV1.key]);
    });

    it('declines an amount one cent over the configured limit and publishes PaymentDeclinedV1 with the reason', async () => {
      const request = newOrder(LIMIT + 1);
      await requestPayment(request);

      const [payment] = await paymentsOf(request.orderId);
      expect(payment).toEqual(expect.objectContaining({ status: 'DECLINED', decline_reason: 'LIMIT_EXCEEDED', amount_cents: LIMIT + 1 }));
      expect((await outboxOf(request.orderId)).map((row) => row.payload)).toEqual([
        { orderId: request.orderId, paymentId: payment!.id, amountCents: LIMIT + 1, reason: 'LIMIT_EXCEEDED' },
      ]);
      expect(typesIn(await outboxOf(request.orderId))).toEqual([PaymentDeclinedV1.key]);
    });

    it('applies the same envelope delivered twice once: one payment, one event', async () => {
      const request = newOrder(1200);
      const envelope = await requestPayment(request);
      await handOver(envelope);

      expect(deliveriesToPayments.of(envelope.messageId, 'payments').map((delivery) => delivery.outcome)).toEqual(['handled', 'duplicate']);
      expect(await paymentsOf(request.orderId)).toHaveLength(1);
      expect(typesIn(await outboxOf(request.orderId))).toEqual([PaymentCapturedV1.key]);
    });

    it('ignores a second request for an order that already has a payment, even with another amount', async () => {
      const request = newOrder(LIMIT + 10);
      await requestPayment(request);
      await requestPayment({ ...request, amountCents: 100 });

      const payments = await paymentsOf(request.orderId);
      expect(payments.map((row) => [row.status, row.amount_cents])).toEqual([['DECLINED', LIMIT + 10]]);
      expect(typesIn(await outboxOf(request.orderId))).toEqual([PaymentDeclinedV1.key]);
    });

    it('takes exactly one payment when requests for one order arrive concurrently', async () => {
      const request = newOrder(700);
      const deliveries = [1, 2, 3].map(() => handOver(envelopeOf(TakePaymentV1, request)));

      // Every delivery is handled; in-process, each also succeeds at once (none fails on the unique
      // index and needs a retry), while over RabbitMQ `null` only says the broker took it.
      expect(await Promise.all(deliveries)).toEqual([null, null, null]);

      expect(await paymentsOf(request.orderId)).toHaveLength(1);
      expect(typesIn(await outboxOf(request.orderId))).toEqual([PaymentCapturedV1.key]);
    });

    it('refuses a request with an amount that is not a positive whole number: nothing stored, the delivery fails', async () => {
      const refused = [0, -100, 12.5].map((amountCents) => envelopeOf(TakePaymentV1, newOrder(amountCents)));
      const outcomes = await Promise.all(refused.map((envelope) => deliveriesToPayments.handOver(envelope, 'payments')));

      // The handler ran and failed (its transaction rolled back): in-process its error also comes back
      // to the publisher; over RabbitMQ the delivery is retried later, then dead-lettered.
      for (const { deliveries } of outcomes) expect(deliveries.map((delivery) => delivery.outcome)).toEqual(['failed']);
      if (testTransport() === 'in-process') for (const { published } of outcomes) expect(published?.message).toMatch(/payment amount/);
      for (const { messageId, payload } of refused) {
        expect(await inboxRowsOf(messageId)).toEqual([]);
        expect(await paymentsOf(payload.orderId)).toEqual([]);
        expect(await outboxOf(payload.orderId)).toEqual([]);
      }
    });
  });

  describe('refunding when the order is cancelled (OrderCancelledV1)', () => {
    it('refunds a captured payment and publishes PaymentRefundedV1', async () => {
      const request = newOrder(2500);
      await requestPayment(request);
      const cancel = await cancelOrder(request);

      const [payment] = await paymentsOf(request.orderId);
      expect(payment!.status).toBe('REFUNDED');
      const outbox = await outboxOf(request.orderId);
      expect(typesIn(outbox)).toEqual([PaymentCapturedV1.key, PaymentRefundedV1.key]);
      expect(outbox[1]).toEqual(
        expect.objectContaining({
          payload: { orderId: request.orderId, paymentId: payment!.id, amountCents: 2500 },
          causation_id: cancel.messageId,
        }),
      );
    });

    it('refunds once when the order is cancelled twice (two different messages)', async () => {
      const request = newOrder(900);
      await requestPayment(request);
      await cancelOrder(request);
      const [afterFirst] = await paymentsOf(request.orderId);
      await cancelOrder(request);

      const [afterSecond] = await paymentsOf(request.orderId);
      expect(afterSecond).toEqual(afterFirst);
      expect(afterSecond!.status).toBe('REFUNDED');
      expect(typesIn(await outboxOf(request.orderId))).toEqual([PaymentCapturedV1.key, PaymentRefundedV1.key]);
    });

    it('leaves a declined payment declined: nothing was taken, nothing is refunded', async () => {
      const request = newOrder(LIMIT * 2);
      await requestPayment(request);
      await cancelOrder(request);

      expect((await paymentsOf(request.orderId)).map((row) => row.status)).toEqual(['DECLINED']);
      expect(typesIn(await outboxOf(request.orderId))).toEqual([PaymentDeclinedV1.key]);
    });

    it('remembers a cancellation that overtook the request: the late request is declined as ORDER_CLOSED, never captured', async () => {
      const request = newOrder(300);
      await cancelOrder(request);
      expect(await paymentsOf(request.orderId)).toEqual([]);
      expect(await outboxOf(request.orderId)).toEqual([]);

      await requestPayment(request);

      const [payment] = await paymentsOf(request.orderId);
      expect(payment).toEqual(
        expect.objectContaining({ status: 'DECLINED', decline_reason: 'ORDER_CLOSED', customer_id: request.customerId }),
      );
      const outbox = await outboxOf(request.orderId);
      expect(typesIn(outbox)).toEqual([PaymentDeclinedV1.key]);
      expect(outbox[0]!.payload).toEqual({ orderId: request.orderId, paymentId: payment!.id, amountCents: 300, reason: 'ORDER_CLOSED' });
    });

    it('never leaves money captured when the request and the cancellation race', async () => {
      const orders = Array.from({ length: 8 }, () => newOrder(400));
      await Promise.all(orders.flatMap((request) => [requestPayment(request), cancelOrder(request)]));

      for (const request of orders) {
        const settled = (await paymentsOf(request.orderId)).map((row) => `${row.status}:${row.decline_reason}`);
        const events = typesIn(await outboxOf(request.orderId));
        // Either the request won (captured, then refunded) or the cancellation did (declined as closed).
        expect([
          [['REFUNDED:null'], [PaymentCapturedV1.key, PaymentRefundedV1.key]],
          [['DECLINED:ORDER_CLOSED'], [PaymentDeclinedV1.key]],
        ]).toContainEqual([settled, events]);
      }
    });
  });

  describe('GET /api/v1/payments?orderId=', () => {
    async function paidOrder(amountCents = 1500) {
      const request = newOrder(amountCents);
      await requestPayment(request);
      const [payment] = await paymentsOf(request.orderId);
      return { request, paymentId: payment!.id };
    }

    it("answers the order's owner with the payment, in the list shape", async () => {
      const { request, paymentId } = await paidOrder();

      const response = await listPayments(`?orderId=${request.orderId}`, shop.bearer(['customer'], request.customerId));

      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        items: [{ id: paymentId, orderId: request.orderId, amountCents: 1500, status: 'CAPTURED' }],
        total: 1,
        limit: 20,
        offset: 0,
      });
    });

    it('shows the status as it changes (REFUNDED after a cancellation)', async () => {
      const { request } = await paidOrder();
      await cancelOrder(request);

      const response = await listPayments(`?orderId=${request.orderId}`, shop.bearer(['customer'], request.customerId));
      expect(response.body.items.map((payment: { status: string }) => payment.status)).toEqual(['REFUNDED']);
    });

    it("answers an admin with any order's payment", async () => {
      const { request, paymentId } = await paidOrder(LIMIT + 1);

      const response = await listPayments(`?orderId=${request.orderId}`, shop.bearer(['admin']));

      expect(response.status).toBe(200);
      expect(response.body.items).toEqual([{ id: paymentId, orderId: request.orderId, amountCents: LIMIT + 1, status: 'DECLINED' }]);
    });

    it("answers another customer as for an unknown order (200, empty list): a paid order's existence never leaks", async () => {
      const { request } = await paidOrder();
      const stranger = shop.bearer(['customer']);

      const someoneElses = await listPayments(`?orderId=${request.orderId}&limit=5&offset=1`, stranger);
      const unknown = await listPayments(`?orderId=${randomUUID()}&limit=5&offset=1`, stranger);

      for (const response of [someoneElses, unknown]) {
        expect(response.status).toBe(200);
        expect(response.headers['content-type']).toMatch(/^application\/json/);
        expect(response.body).toEqual({ items: [], total: 0, limit: 5, offset: 1 });
      }
    });

    it('answers an order without payments with an empty list', async () => {
      const response = await listPayments(`?orderId=${randomUUID()}`, shop.bearer(['customer']));
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ items: [], total: 0, limit: 20, offset: 0 });
    });

    it('takes an orderId written in upper case as the same order', async () => {
      const { request, paymentId } = await paidOrder();

      const response = await listPayments(`?orderId=${request.orderId.toUpperCase()}`, shop.bearer(['customer'], request.customerId));

      expect(response.status).toBe(200);
      expect(response.body.items).toEqual([{ id: paymentId, orderId: request.orderId, amountCents: 1500, status: 'CAPTURED' }]);
    });

    it('pages with limit and offset and echoes them', async () => {
      const { request } = await paidOrder();
      const owner = shop.bearer(['customer'], request.customerId);

      const first = await listPayments(`?orderId=${request.orderId}&limit=1&offset=0`, owner);
      expect(first.body).toEqual(expect.objectContaining({ total: 1, limit: 1, offset: 0 }));
      expect(first.body.items).toHaveLength(1);

      const beyond = await listPayments(`?orderId=${request.orderId}&limit=100&offset=1`, owner);
      expect(beyond.status).toBe(200);
      expect(beyond.body).toEqual({ items: [], total: 1, limit: 100, offset: 1 });
    });

    it('answers 401 without a token', async () => {
      const response = await listPayments(`?orderId=${randomUUID()}`);
      expectProblem(response, 401);
      expect(response.headers['www-authenticate']).toBe('Bearer');
    });

    it('answers 401 for a token that is not a valid JWT', async () => {
      expectProblem(await listPayments(`?orderId=${randomUUID()}`, 'Bearer not.a.jwt'), 401);
    });

    it('answers 400 naming orderId when it is missing', async () => {
      expectBadField(await listPayments('', shop.bearer(['admin'])), 'orderId');
    });

    it.each(['not-a-uuid', '12345', `${randomUUID()}x`])('answers 400 naming orderId when it is %p', async (orderId) => {
      expectBadField(await listPayments(`?orderId=${encodeURIComponent(orderId)}`, shop.bearer(['admin'])), 'orderId');
    });

    it('answers 400 when orderId is given twice', async () => {
      expectBadField(await listPayments(`?orderId=${randomUUID()}&orderId=${randomUUID()}`, shop.bearer(['admin'])), 'orderId');
    });

    it('answers 400 naming an unknown query field', async () => {
      const response = await listPayments(`?orderId=${randomUUID()}&customerId=${randomUUID()}`, shop.bearer(['admin']));
      expectBadField(response, 'customerId');
    });

    it.each([
      ['limit', '0'],
      ['limit', '101'],
      ['limit', 'ten'],
      ['limit', '1.5'],
      ['offset', '-1'],
      ['offset', 'x'],
      ['offset', '1e20'],
    ])('answers 400 naming %s when it is %p', async (field, value) => {
      expectBadField(await listPayments(`?orderId=${randomUUID()}&${field}=${value}`, shop.bearer(['admin'])), field);
    });
  });
});
