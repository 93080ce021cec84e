/** Take the money for an order (run inside the transaction of the message that asked for it). */
export class TakePayment {
  constructor(
    readonly orderId: string,
    readonly customerId: string,
    readonly amountCents: number,
  ) {}
}
