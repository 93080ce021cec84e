import { Module } from '@nestjs/common';

/** The ordering bounded context. */
@Module({})
export class OrderingModule {}
