import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ schema: 'catalog', name: 'products' })
export class ProductEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  sku: string;

  @Column('text')
  name: string;

  @Column('integer', { name: 'price_cents' })
  priceCents: number;

  @Column('integer')
  stock: number;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}
