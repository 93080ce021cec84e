import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { problem, problemType, ProblemException, type FieldError } from './problem-details.js';

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

/** Strict by default: unknown fields are an error, never silently dropped or stored. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationProblem(toFieldErrors(errors)),
  });
}
