import { InvalidPaymentAmountError } from './payment.errors.js';

/** The largest amount one payment records (a 32-bit integer of cents, about 21 million). */
export const MAX_AMOUNT_CENTS = 2_147_483_647;

/** What the order saga asks to be paid; checked before any money moves. */
export class PaymentRequest {
  private constructor(
    readonly orderId: string,
    readonly customerId: string,
    readonly amountCents: number,
  ) {}

  static of({ orderId, customerId, amountCents }: { orderId: string; customerId: string; amountCents: number }): PaymentRequest {
    if (!Number.isInteger(amountCents) || amountCents <= 0 || amountCents > MAX_AMOUNT_CENTS)
      throw new InvalidPaymentAmountError(amountCents);
    return new PaymentRequest(orderId, customerId, amountCents);
  }
}
