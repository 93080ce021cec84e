import { ProblemException, type ProblemMapper } from '@shop/platform';
import {
  IdempotencyKeyReusedError,
  InvalidOrderLinesError,
  OrderNotCancellableError,
  OrderNotFoundError,
  OrderTotalTooLargeError,
  UnknownProductsError,
} from '../domain/order.errors.js';

/** Ordering's business errors as the HTTP problems of the contract. */
export const orderingProblems: ProblemMapper = (error) => {
  if (error instanceof OrderNotFoundError) return ProblemException.of(404, 'not-found', error.message);
  if (error instanceof OrderNotCancellableError) return ProblemException.of(409, 'order-not-cancellable', error.message);
  if (error instanceof UnknownProductsError) {
    return ProblemException.of(422, 'unknown-product', error.message, {
      errors: error.productIds.map((productId) => ({ field: 'items', message: `unknown productId ${productId}` })),
    });
  }
  if (error instanceof OrderTotalTooLargeError) return ProblemException.of(422, 'order-total-too-large', error.message);
  if (error instanceof IdempotencyKeyReusedError) return ProblemException.of(422, 'idempotency-key-reused', error.message);
  if (error instanceof InvalidOrderLinesError)
    return ProblemException.of(400, 'validation-error', error.message, { errors: [{ field: 'items', message: error.message }] });
  return undefined;
};
