import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsUUID } from 'class-validator';

/**
 * A UUID in a body or query: lower-cased before validation and handling, as every id is stored and
 * answered, so `A1B2…` names the same thing as `a1b2…` (path ids: UuidParamPipe).
 */
export const UuidField = (): PropertyDecorator =>
  applyDecorators(
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value)),
    IsUUID(),
  );
