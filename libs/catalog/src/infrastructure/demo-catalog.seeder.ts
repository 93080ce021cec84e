import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Configuration } from '@shop/platform';
import { CreateProduct } from '../application/commands/create-product/create-product.command.js';
import type { ProductRepository } from '../application/ports/product.repository.port.js';
import { PRODUCT_REPOSITORY } from '../catalog.di-tokens.js';
import { SkuTakenError } from '../domain/catalog.errors.js';

export const DEMO_PRODUCTS: ReadonlyArray<ConstructorParameters<typeof CreateProduct>> = [
  ['KB-MECH-001', 'Mechanical keyboard, brown switches', 8_999, 25],
  ['MS-WL-002', 'Wireless mouse', 2_999, 60],
  ['MN-27-4K', '27" 4K monitor', 32_900, 10],
  ['HS-NC-100', 'Noise-cancelling headset', 14_950, 15],
  ['CB-USBC-2M', 'USB-C cable, 2 m', 999, 200],
];

/**
 * In development, fills an empty catalog with a few products so a newcomer can order at once.
 * They go through CreateProduct, so ProductCreatedV1 reaches the other contexts as for any product.
 */
@Injectable()
export class DemoCatalogSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoCatalogSeeder.name);

  constructor(
    @Inject(Configuration) private readonly config: Configuration,
    private readonly commandBus: CommandBus,
    @Inject(PRODUCT_REPOSITORY) private readonly products: ProductRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.env !== 'development') return;
    const created = await this.seedIfEmpty();
    if (created > 0) this.logger.log(`seeded ${created} demo products into the empty catalog`);
  }

  /** How many products it created. Two instances starting at once share the work: a sku taken by the other is skipped. */
  async seedIfEmpty(): Promise<number> {
    if ((await this.products.count()) > 0) return 0;
    let created = 0;
    for (const product of DEMO_PRODUCTS) {
      try {
        await this.commandBus.execute(new CreateProduct(...product));
        created += 1;
      } catch (error) {
        if (!(error instanceof SkuTakenError)) throw error;
      }
    }
    return created;
  }
}
