import { Module } from '@nestjs/common';

/** The identity bounded context. */
@Module({})
export class IdentityModule {}
