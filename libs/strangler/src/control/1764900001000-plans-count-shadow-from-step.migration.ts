import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A shadow step counts its comparisons from the moment it started (the counts kept per second), not as
 * the difference from a total saved when it started: that total outlived the rows it summed.
 */
export class PlansCountShadowFromStep1764900001000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE strangler.plans DROP COLUMN shadow_start`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE strangler.plans ADD COLUMN shadow_start jsonb`);
  }
}
