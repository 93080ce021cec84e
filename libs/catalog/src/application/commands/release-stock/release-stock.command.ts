/** Release an order's reserved stock (run inside the transaction of the consumed OrderRejectedV1 / OrderCancelledV1). */
export class ReleaseStock {
  constructor(readonly orderId: string) {}
}
