import { ProblemException, validationProblem } from '@shop/platform';
import { InvalidProductError, ProductNotFoundError, SkuTakenError } from '../domain/catalog.errors.js';

/** Maps the catalog's business errors to problem+json answers; anything else stays a 500. */
export function rethrowAsProblem(error: unknown): never {
  if (error instanceof ProductNotFoundError) throw ProblemException.of(404, 'product-not-found', error.message);
  if (error instanceof SkuTakenError) throw ProblemException.of(409, 'sku-taken', error.message);
  if (error instanceof InvalidProductError) throw validationProblem([{ field: error.field, message: error.message }]);
  throw error;
}
