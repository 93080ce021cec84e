import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The counters of the login and registration limits, shared by every instance (rate-limiter-flexible's PostgreSQL shape). */
export class CreateRateLimits1764633600100 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE identity.rate_limits (
        -- <counter>:<sha-256 of the email and/or client network>, never an email or address in clear.
        key    varchar(255) PRIMARY KEY,
        points integer NOT NULL DEFAULT 0,
        -- Epoch milliseconds at which the key's window ends.
        expire bigint
      );
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE identity.rate_limits;');
  }
}
