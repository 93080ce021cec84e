import { messageType } from '../messaging/message-type.js';

export interface OrderLineV1 {
  productId: string;
  quantity: number;
  unitPriceCents: number;
}

/** The saga's first step: catalog reserves stock for these lines when it sees this. */
export interface OrderPlacedV1 {
  orderId: string;
  customerId: string;
  lines: OrderLineV1[];
  totalCents: number;
}
export const OrderPlacedV1 = messageType<OrderPlacedV1>('ordering.OrderPlaced', 1);

/**
 * @deprecated The earlier name of payments' TakePaymentV1 (same payload). Ordering sends
 * TakePaymentV1; payments still accepts this one so that messages published before the rename (in
 * an outbox or a queue during a rolling deploy) are still handled. Remove once none can be left.
 */
export interface PaymentRequestedV1 {
  orderId: string;
  customerId: string;
  amountCents: number;
}
/** @deprecated see the interface */
export const PaymentRequestedV1 = messageType<PaymentRequestedV1>('ordering.PaymentRequested', 1);

export interface OrderConfirmedV1 {
  orderId: string;
}
export const OrderConfirmedV1 = messageType<OrderConfirmedV1>('ordering.OrderConfirmed', 1);

/** Compensation trigger: catalog releases whatever it reserved for the order. */
export interface OrderRejectedV1 {
  orderId: string;
  reason: 'OUT_OF_STOCK' | 'PAYMENT_DECLINED';
}
export const OrderRejectedV1 = messageType<OrderRejectedV1>('ordering.OrderRejected', 1);

/** Compensation trigger: catalog releases the stock, payments refunds a captured payment. */
export interface OrderCancelledV1 {
  orderId: string;
  customerId: string;
}
export const OrderCancelledV1 = messageType<OrderCancelledV1>('ordering.OrderCancelled', 1);
