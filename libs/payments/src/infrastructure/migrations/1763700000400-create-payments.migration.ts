import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreatePayments1763700000400 implements MigrationInterface {
  readonly name = 'CreatePayments1763700000400';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE payments.payments (
        id             uuid PRIMARY KEY,
        order_id       uuid NOT NULL,
        customer_id    uuid NOT NULL,
        amount_cents   integer NOT NULL CHECK (amount_cents > 0),
        status         text NOT NULL CHECK (status IN ('CAPTURED', 'DECLINED', 'REFUNDED')),
        decline_reason text,
        created_at     timestamptz NOT NULL,
        updated_at     timestamptz NOT NULL,
        CONSTRAINT payments_reason_iff_declined CHECK ((status = 'DECLINED') = (decline_reason IS NOT NULL))
      );
      -- At most one payment per order: the backstop behind the per-order lock.
      CREATE UNIQUE INDEX payments_order_id ON payments.payments (order_id);
      CREATE TABLE payments.closed_orders (
        order_id  uuid PRIMARY KEY,
        closed_at timestamptz NOT NULL
      );
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE payments.closed_orders; DROP TABLE payments.payments;`);
  }
}
