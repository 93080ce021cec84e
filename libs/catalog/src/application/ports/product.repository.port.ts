import type { Page, PageRequest, Transaction } from '@shop/platform';
import type { Product } from '../../domain/product.js';

export interface ProductRepository {
  /** Inserts unless the sku (compared case-insensitively) is taken; false when it was. Safe under concurrent inserts. */
  insertIfSkuFree(tx: Transaction, product: Product): Promise<boolean>;
  findById(id: string): Promise<Product | null>;
  /** Locks the product's row until the transaction ends. */
  findForUpdate(tx: Transaction, id: string): Promise<Product | null>;
  /** Locks the rows of the known ids in id order (so concurrent lockers never deadlock); unknown ids are skipped. */
  lockAll(tx: Transaction, ids: string[]): Promise<Product[]>;
  save(tx: Transaction, product: Product): Promise<void>;
  /** Ordered by sku, then id: a stable order for paging. */
  list(page: PageRequest): Promise<Page<Product>>;
  count(): Promise<number>;
}
