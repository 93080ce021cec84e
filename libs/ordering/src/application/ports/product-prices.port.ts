import type { Transaction } from '@shop/platform';

/** Ordering's own read model of catalog prices (never catalog's tables). */
export interface ProductPrices {
  /** Prices of the known products among `productIds`; unknown ids are simply absent. */
  pricesOf(tx: Transaction, productIds: string[]): Promise<Map<string, number>>;
  /** Applies a price seen at `asOf`; an older observation never overwrites a newer one. */
  record(tx: Transaction, productId: string, priceCents: number, asOf: Date): Promise<void>;
}
