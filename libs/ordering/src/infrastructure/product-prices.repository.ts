import { Injectable } from '@nestjs/common';
import { entityManagerOf, type Transaction } from '@shop/platform';
import type { ProductPrices } from '../application/ports/product-prices.port.js';

@Injectable()
export class SqlProductPrices implements ProductPrices {
  async pricesOf(tx: Transaction, productIds: string[]): Promise<Map<string, number>> {
    const rows: Array<{ product_id: string; price_cents: number }> = await entityManagerOf(tx).query(
      'SELECT product_id, price_cents FROM ordering.product_prices WHERE product_id = ANY($1::uuid[])',
      [productIds],
    );
    return new Map(rows.map((row) => [row.product_id, row.price_cents]));
  }

  async record(tx: Transaction, productId: string, priceCents: number, asOf: Date): Promise<void> {
    await entityManagerOf(tx).query(
      `INSERT INTO ordering.product_prices (product_id, price_cents, as_of) VALUES ($1, $2, $3)
       ON CONFLICT (product_id) DO UPDATE SET price_cents = EXCLUDED.price_cents, as_of = EXCLUDED.as_of
       WHERE ordering.product_prices.as_of <= EXCLUDED.as_of`,
      [productId, priceCents, asOf],
    );
  }
}
