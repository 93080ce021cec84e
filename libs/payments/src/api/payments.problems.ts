import { ProblemException, type ProblemMapper } from '@shop/platform';
import { OrderPaymentsNotFoundError } from '../application/queries/list-order-payments/list-order-payments.query.js';

/** Payments' refusals as the HTTP problems of the contract. */
export const paymentsProblems: ProblemMapper = (error) => {
  if (error instanceof OrderPaymentsNotFoundError) return ProblemException.of(404, 'payments-not-found', error.message);
  return undefined;
};
