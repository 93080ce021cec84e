import { Command } from '@nestjs/cqrs';

export type SeedAdminResult = { created: false } | { created: true; email: string; generatedPassword: string | undefined };

export class SeedAdmin extends Command<SeedAdminResult> {
  constructor(
    readonly email: string,
    /** Undefined in development: a random one is generated and handed back to be shown once. */
    readonly password: string | undefined,
  ) {
    super();
  }
}
