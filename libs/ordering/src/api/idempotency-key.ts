import { ApiHeader } from '@nestjs/swagger';
import { validationProblem } from '@shop/platform';

const MAX_IDEMPOTENCY_KEY_LENGTH = 128;

/** The `Idempotency-Key` header as place-order routes describe it. */
export const ApiIdempotencyKey = (): MethodDecorator =>
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: `<= ${MAX_IDEMPOTENCY_KEY_LENGTH} chars; a repeat returns the same order`,
  });

/** The key as given, or a 400 naming the header when it is empty or too long. */
export function checkedIdempotencyKey(key: string | undefined): string | undefined {
  if (key !== undefined && (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH)) {
    throw validationProblem([{ field: 'Idempotency-Key', message: `must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters` }]);
  }
  return key;
}

/**
 * The one thing place-order routes set on the response themselves (201 for a new order, 200 for a
 * replay): Express's response and Fastify's reply both have `status(code)`.
 */
export interface StatusSettable {
  status(code: number): unknown;
}
