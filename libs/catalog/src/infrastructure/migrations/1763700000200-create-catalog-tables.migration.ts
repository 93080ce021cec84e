import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCatalogTables1763700000200 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE catalog.products (
        id          uuid PRIMARY KEY,
        sku         text NOT NULL CHECK (sku ~ '^[A-Za-z0-9._-]{1,64}$'),
        name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
        price_cents integer NOT NULL CHECK (price_cents > 0),
        -- The last line of defence for "stock never goes below zero".
        stock       integer NOT NULL CHECK (stock >= 0),
        created_at  timestamptz NOT NULL,
        updated_at  timestamptz NOT NULL
      );
      -- Skus are unique case-insensitively ("KB-1" and "kb-1" are one sku), kept as given.
      CREATE UNIQUE INDEX products_sku_unique ON catalog.products (lower(sku));
      CREATE INDEX products_by_sku ON catalog.products (sku, id);

      -- One row per order the catalog heard of: what it reserved, released or refused.
      CREATE TABLE catalog.reservations (
        order_id   uuid PRIMARY KEY,
        status     text NOT NULL CHECK (status IN ('RESERVED', 'RELEASED', 'REJECTED')),
        lines      jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      );
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE catalog.reservations; DROP TABLE catalog.products;');
  }
}
