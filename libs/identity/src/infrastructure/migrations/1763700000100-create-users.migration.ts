import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateUsers1763700000100 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE identity.users (
        id            uuid PRIMARY KEY,
        -- Stored normalized, so the unique constraint is the case-insensitive "email taken" rule.
        email         text NOT NULL UNIQUE CHECK (email = lower(email) AND length(email) <= 254),
        display_name  text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
        -- scrypt$N$r$p$salt$hash: the parameters travel with each hash, so they can change later.
        password_hash text NOT NULL,
        roles         text[] NOT NULL CHECK (roles <@ ARRAY['customer', 'admin']::text[] AND cardinality(roles) > 0),
        created_at    timestamptz NOT NULL
      );
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE identity.users;');
  }
}
