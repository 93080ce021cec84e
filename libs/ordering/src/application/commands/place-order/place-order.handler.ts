import { createHash, randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { OrderPlacedV1 } from '@shop/contracts';
import { UnitOfWork, type Transaction } from '@shop/platform';
import { Order } from '../../../domain/order.js';
import { IdempotencyKeyReusedError, OrderNotFoundError, UnknownProductsError } from '../../../domain/order.errors.js';
import { IDEMPOTENCY_KEYS, ORDER_REPOSITORY, PRODUCT_PRICES } from '../../../ordering.di-tokens.js';
import type { IdempotencyKeys } from '../../ports/idempotency-keys.port.js';
import type { OrderRepository } from '../../ports/order.repository.port.js';
import type { ProductPrices } from '../../ports/product-prices.port.js';
import { toOrderView } from '../../order.view.js';
import { PlaceOrder, type PlaceOrderResult } from './place-order.command.js';

/**
 * Prices the lines from ordering's own read model, stores the order and its OrderPlacedV1 in one
 * transaction (which starts the saga). With an Idempotency-Key the key is claimed in the same
 * transaction, so concurrent repeats wait and then get the same order.
 */
@CommandHandler(PlaceOrder)
export class PlaceOrderHandler implements ICommandHandler<PlaceOrder> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(ORDER_REPOSITORY) private readonly orders: OrderRepository,
    @Inject(PRODUCT_PRICES) private readonly prices: ProductPrices,
    @Inject(IDEMPOTENCY_KEYS) private readonly keys: IdempotencyKeys,
  ) {}

  execute(command: PlaceOrder): Promise<PlaceOrderResult> {
    return this.uow.run(async (tx) => {
      const orderId = randomUUID();
      if (command.idempotencyKey !== undefined) {
        const replay = await this.replayOf(tx, command, orderId);
        if (replay) return replay;
      }
      const order = await this.priced(tx, command, orderId);
      await this.orders.save(tx, order);
      const { lines, totalCents, customerId } = order.snapshot();
      await tx.publish(OrderPlacedV1, { orderId, customerId, lines, totalCents });
      return { order: toOrderView(order), created: true };
    });
  }

  private async replayOf(tx: Transaction, command: PlaceOrder, orderId: string): Promise<PlaceOrderResult | undefined> {
    const requestHash = hashOfItems(command.items);
    const claim = await this.keys.claim(tx, { customerId: command.caller.id, key: command.idempotencyKey!, requestHash, orderId });
    if (claim.claimed) return undefined;
    if (claim.requestHash !== requestHash) throw new IdempotencyKeyReusedError();
    const existing = await this.orders.findForUpdate(tx, claim.orderId);
    if (!existing) throw new OrderNotFoundError(claim.orderId);
    return { order: toOrderView(existing), created: false };
  }

  private async priced(tx: Transaction, command: PlaceOrder, orderId: string): Promise<Order> {
    const prices = await this.prices.pricesOf(
      tx,
      command.items.map((item) => item.productId),
    );
    const unknown = command.items.filter((item) => !prices.has(item.productId)).map((item) => item.productId);
    if (unknown.length > 0) throw new UnknownProductsError(unknown);
    const lines = command.items.map((item) => ({ ...item, unitPriceCents: prices.get(item.productId)! }));
    return Order.place({ id: orderId, customerId: command.caller.id, lines, now: new Date() });
  }
}

/** "The same body": the same lines in the same order. */
function hashOfItems(items: Array<{ productId: string; quantity: number }>): string {
  const canonical = JSON.stringify(items.map(({ productId, quantity }) => [productId, quantity]));
  return createHash('sha256').update(canonical).digest('hex');
}
