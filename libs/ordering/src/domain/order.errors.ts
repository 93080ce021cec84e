/** Business rules of ordering, as named errors the API layer maps to HTTP problems. */
export abstract class OrderingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidOrderLinesError extends OrderingError {}

export class OrderTotalTooLargeError extends OrderingError {
  constructor(totalCents: number, maxCents: number) {
    super(`The order total of ${totalCents} cents is over the ${maxCents} cents one order may reach.`);
  }
}

export class UnknownProductsError extends OrderingError {
  constructor(readonly productIds: string[]) {
    super(`Unknown product(s): ${productIds.join(', ')}.`);
  }
}

export class OrderNotFoundError extends OrderingError {
  constructor(orderId: string) {
    super(`Order ${orderId} not found.`);
  }
}

export class OrderNotCancellableError extends OrderingError {
  constructor(orderId: string, status: string) {
    super(`Order ${orderId} is ${status} and can no longer be cancelled.`);
  }
}

export class IdempotencyKeyReusedError extends OrderingError {
  constructor() {
    super('This Idempotency-Key was already used with a different request body.');
  }
}
