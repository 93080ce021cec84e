import { Module } from '@nestjs/common';

/** The catalog bounded context. */
@Module({})
export class CatalogModule {}
