/** The order is cancelled: give back what was captured, and take nothing for it later (run inside the consuming transaction). */
export class RefundOrderPayment {
  constructor(readonly orderId: string) {}
}
