import { Injectable } from '@nestjs/common';
import { UnitOfWork, type Transaction } from '@shop/platform';
import type { Product } from '../domain/product.js';
import type { Page, ProductRepository } from '../application/ports/product.repository.port.js';
import { ProductEntity } from './product.entity.js';
import { ProductMapper } from './product.mapper.js';

/** PostgreSQL would refuse to compare a malformed id with a uuid column; such an id names no product. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (id: string): boolean => UUID.test(id);

@Injectable()
export class TypeOrmProductRepository implements ProductRepository {
  constructor(private readonly uow: UnitOfWork) {}

  async insertIfSkuFree(tx: Transaction, product: Product): Promise<boolean> {
    // ON CONFLICT DO NOTHING waits for a concurrent insert of the same sku instead of failing on it.
    const result = await tx.manager
      .createQueryBuilder()
      .insert()
      .into(ProductEntity)
      .values(ProductMapper.toEntity(product, new Date()))
      .orIgnore()
      .returning('id')
      .execute();
    return (result.raw as unknown[]).length > 0;
  }

  async findById(id: string): Promise<Product | null> {
    if (!isUuid(id)) return null;
    const entity = await this.uow.manager.findOneBy(ProductEntity, { id });
    return entity ? ProductMapper.toDomain(entity) : null;
  }

  async findForUpdate(tx: Transaction, id: string): Promise<Product | null> {
    const [product] = await this.lockAll(tx, [id]);
    return product ?? null;
  }

  async lockAll(tx: Transaction, ids: string[]): Promise<Product[]> {
    const known = [...new Set(ids.filter(isUuid))];
    if (known.length === 0) return [];
    const entities = await tx.manager
      .createQueryBuilder(ProductEntity, 'p')
      .where('p.id IN (:...ids)', { ids: known })
      .orderBy('p.id')
      .setLock('pessimistic_write')
      .getMany();
    return entities.map(ProductMapper.toDomain);
  }

  async save(tx: Transaction, product: Product): Promise<void> {
    const { id, name, priceCents, stock } = product.snapshot();
    await tx.manager.update(ProductEntity, { id }, { name, priceCents, stock, updatedAt: new Date() });
  }

  async list(page: { limit: number; offset: number }): Promise<Page<Product>> {
    const [entities, total] = await this.uow.manager.findAndCount(ProductEntity, {
      order: { sku: 'ASC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
    return { items: entities.map(ProductMapper.toDomain), total };
  }

  count(): Promise<number> {
    return this.uow.manager.count(ProductEntity);
  }
}
