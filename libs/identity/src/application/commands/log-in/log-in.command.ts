import { Command } from '@nestjs/cqrs';
import type { TokenService } from '@shop/platform';

export type AccessToken = ReturnType<TokenService['issue']>;

export class LogIn extends Command<AccessToken> {
  constructor(
    readonly email: string,
    readonly password: string,
    /** Where the attempt comes from, for the per-address limit. */
    readonly clientAddress: string,
  ) {
    super();
  }
}
