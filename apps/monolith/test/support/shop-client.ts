import { randomUUID } from 'node:crypto';
import type request from 'supertest';
import { eventually } from '@shop/testing';

type Http = () => ReturnType<typeof request>;

export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'REJECTED' | 'CANCELLED';

export interface OrderBody {
  id: string;
  customerId: string;
  status: OrderStatus;
  items: Array<{ productId: string; quantity: number; unitPriceCents: number }>;
  totalCents: number;
  rejectionReason?: string;
  createdAt: string;
  updatedAt: string;
}

/** `Order` as /api/v2 answers it: money as a decimal string and its currency. */
export interface OrderV2Body {
  id: string;
  customerId: string;
  status: OrderStatus;
  items: Array<{ productId: string; quantity: number; unitPrice: { amount: string; currency: string } }>;
  total: { amount: string; currency: string };
  rejectionReason?: string;
  createdAt: string;
  updatedAt: string;
}

export interface OrderItem {
  productId: string;
  quantity: number;
}

/** Ordering learns of new products from catalog's events, within a second (the contract's promise). */
export const ORDERABLE_WITHIN_MS = 1000;
/** At rest an order leaves PENDING within 2 s (the contract's promise). */
export const SETTLES_WITHIN_MS = 2000;

/** The public API as a customer and an admin use it: HTTP only, so it holds whichever process serves a route. */
export class ShopClient {
  constructor(
    private readonly http: Http,
    readonly admin: string,
  ) {}

  async createProduct({ priceCents = 1000, stock = 10 } = {}): Promise<string> {
    const response = await this.http()
      .post('/api/v1/products')
      .set('Authorization', this.admin)
      .send({ sku: `SKU-${randomUUID().slice(0, 13)}`, name: 'Test product', priceCents, stock })
      .expect(201);
    return response.body.id;
  }

  /**
   * Places an order for products that may have just been created: a 422 (unknown product, nothing
   * written) is retried until ordering's read model has caught up, at most ORDERABLE_WITHIN_MS.
   */
  async placeOrder(customer: string, items: OrderItem[], idempotencyKey?: string, version: 'v1' | 'v2' = 'v1'): Promise<request.Response> {
    const place = () => {
      const call = this.http().post(`/api/${version}/orders`).set('Authorization', customer);
      if (idempotencyKey) call.set('Idempotency-Key', idempotencyKey);
      return call.send({ items });
    };
    let response = await place();
    const deadline = Date.now() + ORDERABLE_WITHIN_MS;
    while (response.status === 422 && response.body.type?.endsWith('/unknown-product') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      response = await place();
    }
    return response;
  }

  getOrder(customer: string, orderId: string): request.Test {
    return this.http().get(`/api/v1/orders/${orderId}`).set('Authorization', customer);
  }

  /** Polls until the order leaves PENDING; fails if that takes longer than the contract allows. */
  async waitForSettled(customer: string, orderId: string): Promise<OrderBody> {
    return eventually(
      async () => {
        const { body } = await this.getOrder(customer, orderId).expect(200);
        return body.status === 'PENDING' ? undefined : (body as OrderBody);
      },
      SETTLES_WITHIN_MS,
      `order ${orderId} settled`,
    );
  }

  async stockOf(productId: string): Promise<number> {
    const { body } = await this.http().get(`/api/v1/products/${productId}`).expect(200);
    return body.stock;
  }

  /** Polls until the product's stock is `expected` (compensations are asynchronous). */
  async waitForStock(productId: string, expected: number): Promise<void> {
    await eventually(
      async () => ((await this.stockOf(productId)) === expected ? true : undefined),
      SETTLES_WITHIN_MS,
      `stock of ${productId} = ${expected}`,
    );
  }

  async paymentsOf(customer: string, orderId: string): Promise<Array<{ status: string; amountCents: number }>> {
    const { body } = await this.http().get('/api/v1/payments').query({ orderId }).set('Authorization', customer).expect(200);
    return body.items;
  }

  async waitForPaymentStatus(customer: string, orderId: string, status: string): Promise<void> {
    await eventually(
      async () => ((await this.paymentsOf(customer, orderId)).some((payment) => payment.status === status) ? true : undefined),
      SETTLES_WITHIN_MS,
      `payment of ${orderId} ${status}`,
    );
  }

  async orderCount(customer: string): Promise<number> {
    const { body } = await this.http().get('/api/v1/orders').set('Authorization', customer).expect(200);
    return body.total;
  }
}
