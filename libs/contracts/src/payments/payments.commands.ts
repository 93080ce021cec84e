import { messageType } from '../messaging/message-type.js';

/**
 * A command to payments (sent by the order saga once stock is reserved): take this amount for the
 * order. Payments answers with PaymentCapturedV1 or PaymentDeclinedV1. Named for what it asks, and
 * owned by payments, which defines what it accepts.
 */
export interface TakePaymentV1 {
  orderId: string;
  customerId: string;
  amountCents: number;
}
export const TakePaymentV1 = messageType<TakePaymentV1>('payments.TakePayment', 1);
