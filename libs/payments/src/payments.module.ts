import { Module } from '@nestjs/common';

/** The payments bounded context. */
@Module({})
export class PaymentsModule {}
