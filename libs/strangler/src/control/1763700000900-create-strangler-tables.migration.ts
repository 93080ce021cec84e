import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateStranglerTables1763700000900 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE strangler.routes (
        context    text PRIMARY KEY,
        mode       text NOT NULL CHECK (mode IN ('monolith', 'service', 'shadow', 'canary')),
        percent    integer NOT NULL CHECK (percent BETWEEN 0 AND 100),
        updated_at timestamptz NOT NULL,
        updated_by text NOT NULL
      );
      -- Every change: who, when, from, to.
      CREATE TABLE strangler.route_changes (
        id           bigserial PRIMARY KEY,
        context      text NOT NULL,
        from_mode    text,
        from_percent integer,
        to_mode      text NOT NULL,
        to_percent   integer NOT NULL,
        changed_by   text NOT NULL,
        changed_at   timestamptz NOT NULL
      );
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE strangler.route_changes; DROP TABLE strangler.routes;');
  }
}
