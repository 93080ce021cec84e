import { ParseUUIDPipe, type ArgumentMetadata } from '@nestjs/common';

class NotAUuid extends Error {}

/**
 * For `:id` path parameters: an id that is not a UUID names nothing, so it is answered exactly like
 * an unknown id (the context's own not-found error) rather than reaching the database. Nest's
 * ParseUUIDPipe does the check; a valid id is normalised to lower case, as every id is stored and answered.
 */
export class UuidParamPipe extends ParseUUIDPipe {
  constructor(private readonly notFound: (id: string) => Error) {
    super({ exceptionFactory: () => new NotAUuid() });
  }

  override async transform(value: string, metadata: ArgumentMetadata): Promise<string> {
    try {
      await super.transform(value, metadata);
    } catch (error) {
      throw error instanceof NotAUuid ? this.notFound(value) : error;
    }
    return value.toLowerCase();
  }
}
