import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateApiUsage1764800000100 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      -- Calls per API version and client, summed over every instance: who still calls a version that is going.
      CREATE TABLE platform.api_usage (
        api        text NOT NULL,
        version    text NOT NULL,
        client_id  text NOT NULL,
        first_seen timestamptz NOT NULL,
        last_seen  timestamptz NOT NULL,
        calls      bigint NOT NULL CHECK (calls > 0),
        PRIMARY KEY (api, version, client_id)
      );
      CREATE INDEX api_usage_by_version_last_seen ON platform.api_usage (version, last_seen DESC);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE platform.api_usage;');
  }
}
