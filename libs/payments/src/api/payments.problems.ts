import { ProblemException } from '@shop/platform';
import { OrderPaymentsNotFoundError } from '../application/queries/list-order-payments/list-order-payments.query.js';

/** Maps what the use cases refuse to problem+json; anything else stays an unexpected error (500). */
export function toProblem(error: unknown): unknown {
  if (error instanceof OrderPaymentsNotFoundError) return ProblemException.of(404, 'payments-not-found', error.message);
  return error;
}
