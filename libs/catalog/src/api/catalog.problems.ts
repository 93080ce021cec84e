import { ProblemException, validationProblem, type ProblemMapper } from '@shop/platform';
import { InvalidProductError, ProductNotFoundError, SkuTakenError } from '../domain/catalog.errors.js';

/** Catalog's business errors as the HTTP problems of the contract. */
export const catalogProblems: ProblemMapper = (error) => {
  if (error instanceof ProductNotFoundError) return ProblemException.of(404, 'product-not-found', error.message);
  if (error instanceof SkuTakenError) return ProblemException.of(409, 'sku-taken', error.message);
  if (error instanceof InvalidProductError) return validationProblem([{ field: error.field, message: error.message }]);
  return undefined;
};
