import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { ValidateIf } from 'class-validator';
import { prototypeKeysIn } from './json-limits.js';
import { problem, problemType, ProblemException, type FieldError } from './problem-details.js';

/**
 * For a body field that may be left out: unlike @IsOptional(), lets only an absent field through, so
 * that `null` is validated (and refused) as the bad value it is, not taken for "unchanged".
 */
export const IfPresent = (): PropertyDecorator => ValidateIf((_object: object, value: unknown) => value !== undefined);

/** Flattens class-validator's tree into `{ field: 'items.0.quantity', message }` entries. */
export function toFieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...toFieldErrors(error.children ?? [], field)];
  });
}

export function validationProblem(errors: FieldError[]): ProblemException {
  const fields = [...new Set(errors.map((error) => error.field))];
  return new ProblemException(
    problem(400, `The request has ${fields.length} invalid field(s): ${fields.join(', ')}.`, {
      type: problemType('validation-error'),
      title: 'Validation failed',
      errors,
    }),
  );
}

/**
 * Refuses `__proto__`, `constructor` and `prototype` keys in a body or query like any unknown field:
 * class-transformer would drop them silently, so the whitelist check after it cannot name them.
 */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') {
      const fields = prototypeKeysIn(value);
      if (fields.length > 0) {
        throw validationProblem(fields.map((field) => ({ field, message: `property ${field.split('.').pop()} should not exist` })));
      }
    }
    return super.transform(value, metadata);
  }
}

/** Strict by default: unknown fields are an error, never silently dropped or stored. */
export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationProblem(toFieldErrors(errors)),
  });
}
