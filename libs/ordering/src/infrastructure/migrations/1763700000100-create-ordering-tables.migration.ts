import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOrderingTables1763700000100 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE ordering.orders (
        id               uuid PRIMARY KEY,
        customer_id      uuid NOT NULL,
        status           text NOT NULL CHECK (status IN ('PENDING', 'CONFIRMED', 'REJECTED', 'CANCELLED')),
        saga_step        text NOT NULL CHECK (saga_step IN ('AWAITING_STOCK', 'AWAITING_PAYMENT', 'DONE')),
        lines            jsonb NOT NULL,
        total_cents      bigint NOT NULL CHECK (total_cents > 0),
        rejection_reason text,
        created_at       timestamptz NOT NULL,
        updated_at       timestamptz NOT NULL
      );
      CREATE INDEX orders_by_customer_newest_first ON ordering.orders (customer_id, created_at DESC, id DESC);

      -- Ordering's read model of catalog prices, fed by ProductCreatedV1 / ProductPriceChangedV1.
      CREATE TABLE ordering.product_prices (
        product_id  uuid PRIMARY KEY,
        price_cents integer NOT NULL CHECK (price_cents > 0),
        as_of       timestamptz NOT NULL
      );

      CREATE TABLE ordering.idempotency_keys (
        customer_id  uuid NOT NULL,
        key          text NOT NULL,
        request_hash text NOT NULL,
        order_id     uuid NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (customer_id, key)
      );
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE ordering.idempotency_keys; DROP TABLE ordering.product_prices; DROP TABLE ordering.orders;');
  }
}
