import { Inject, Injectable } from '@nestjs/common';
import { ProductCreatedV1, ProductPriceChangedV1, type MessageEnvelope } from '@shop/contracts';
import { OnIntegrationEvent, type Transaction } from '@shop/platform';
import { PRODUCT_PRICES } from '../../ordering.di-tokens.js';
import type { ProductPrices } from '../ports/product-prices.port.js';

/** Keeps ordering's read model of product prices from catalog's events; the event time orders updates. */
@Injectable()
export class ProductPricesProjector {
  constructor(@Inject(PRODUCT_PRICES) private readonly prices: ProductPrices) {}

  @OnIntegrationEvent(ProductCreatedV1, 'ordering.record-price-of-created-product')
  async onProductCreated(event: ProductCreatedV1, tx: Transaction, envelope: MessageEnvelope<ProductCreatedV1>): Promise<void> {
    await this.prices.record(tx, event.productId, event.priceCents, new Date(envelope.occurredAt));
  }

  @OnIntegrationEvent(ProductPriceChangedV1, 'ordering.record-changed-price')
  async onPriceChanged(event: ProductPriceChangedV1, tx: Transaction, envelope: MessageEnvelope<ProductPriceChangedV1>): Promise<void> {
    await this.prices.record(tx, event.productId, event.priceCents, new Date(envelope.occurredAt));
  }
}
