import { messageType } from '../messaging/message-type.js';

export interface PaymentCapturedV1 {
  orderId: string;
  paymentId: string;
  amountCents: number;
}
export const PaymentCapturedV1 = messageType<PaymentCapturedV1>('payments.PaymentCaptured', 1);

export interface PaymentDeclinedV1 {
  orderId: string;
  paymentId: string;
  amountCents: number;
  reason: string;
}
export const PaymentDeclinedV1 = messageType<PaymentDeclinedV1>('payments.PaymentDeclined', 1);

export interface PaymentRefundedV1 {
  orderId: string;
  paymentId: string;
  amountCents: number;
}
export const PaymentRefundedV1 = messageType<PaymentRefundedV1>('payments.PaymentRefunded', 1);
