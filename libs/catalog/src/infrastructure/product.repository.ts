import { Injectable } from '@nestjs/common';
import { entityManagerOf, UnitOfWork, type Page, type PageRequest, type Transaction } from '@shop/platform';
import type { Product } from '../domain/product.js';
import type { ProductRepository } from '../application/ports/product.repository.port.js';
import { ProductEntity } from './product.entity.js';
import { ProductMapper, type ProductRow } from './product.mapper.js';

/** A row of the page query: a product (all columns null on an empty page) and the size of the whole list. */
type PageRow = (ProductRow | { id: null }) & { total: number };

@Injectable()
export class TypeOrmProductRepository implements ProductRepository {
  constructor(private readonly uow: UnitOfWork) {}

  async insertIfSkuFree(tx: Transaction, product: Product): Promise<boolean> {
    // ON CONFLICT DO NOTHING waits for a concurrent insert of the same sku instead of failing on it.
    const result = await entityManagerOf(tx)
      .createQueryBuilder()
      .insert()
      .into(ProductEntity)
      .values(ProductMapper.toPersistence(product, new Date()))
      .orIgnore()
      .returning('id')
      .execute();
    return (result.raw as unknown[]).length > 0;
  }

  async findById(id: string): Promise<Product | null> {
    const entity = await this.uow.manager.findOneBy(ProductEntity, { id });
    return entity ? ProductMapper.toDomain(entity) : null;
  }

  async findForUpdate(tx: Transaction, id: string): Promise<Product | null> {
    const [product] = await this.lockAll(tx, [id]);
    return product ?? null;
  }

  async lockAll(tx: Transaction, ids: string[]): Promise<Product[]> {
    const known = [...new Set(ids)];
    if (known.length === 0) return [];
    const entities = await entityManagerOf(tx)
      .createQueryBuilder(ProductEntity, 'p')
      .where('p.id IN (:...ids)', { ids: known })
      .orderBy('p.id')
      .setLock('pessimistic_write')
      .getMany();
    return entities.map(ProductMapper.toDomain);
  }

  async save(tx: Transaction, product: Product): Promise<void> {
    const { id, name, priceCents, stock } = product.snapshot();
    await entityManagerOf(tx).update(ProductEntity, { id }, { name, priceCents, stock, updatedAt: new Date() });
  }

  async list({ limit, offset }: PageRequest): Promise<Page<Product>> {
    // One round trip for the page and the total (findAndCount takes two, and its query building and
    // hydration cost more than the query): the count always answers one row, joined to the page's rows if any.
    const rows = await this.uow.manager.query<PageRow[]>(
      `SELECT p.id, p.sku, p.name, p.price_cents, p.stock, t.total
         FROM (SELECT count(*)::int AS total FROM catalog.products) t
         LEFT JOIN LATERAL (SELECT id, sku, name, price_cents, stock FROM catalog.products ORDER BY sku, id LIMIT $1 OFFSET $2) p ON true
        ORDER BY p.sku, p.id`,
      [limit, offset],
    );
    const items = rows.flatMap((row) => (row.id === null ? [] : [ProductMapper.fromRow(row)]));
    return { items, total: rows[0]?.total ?? 0, limit, offset };
  }

  count(): Promise<number> {
    return this.uow.manager.count(ProductEntity);
  }
}
