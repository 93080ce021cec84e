import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A gate's state keeps the figures of its latest judgement (once a second while it is watched), with
 * the time they were taken; `at` stays the moment the status was entered.
 */
export class GateJudgedAt1764900000900 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE strangler.gate_state ADD COLUMN judged_at timestamptz`);
    await queryRunner.query(`UPDATE strangler.gate_state SET judged_at = at`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE strangler.gate_state DROP COLUMN judged_at`);
  }
}
