import type { MigrationInterface, QueryRunner } from 'typeorm';

/** An account may hold the `tester` role (it may choose the side of a strangled request). */
export class TesterRole1764800000100 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE identity.users DROP CONSTRAINT users_roles_check;
      ALTER TABLE identity.users ADD CONSTRAINT users_roles_check
        CHECK (roles <@ ARRAY['customer', 'admin', 'tester']::text[] AND cardinality(roles) > 0);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      UPDATE identity.users SET roles = array_remove(roles, 'tester') WHERE 'tester' = ANY (roles) AND cardinality(roles) > 1;
      ALTER TABLE identity.users DROP CONSTRAINT users_roles_check;
      ALTER TABLE identity.users ADD CONSTRAINT users_roles_check
        CHECK (roles <@ ARRAY['customer', 'admin']::text[] AND cardinality(roles) > 0);
    `);
  }
}
