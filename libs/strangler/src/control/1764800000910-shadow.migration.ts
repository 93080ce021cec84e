import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The shadow's tables: each context's settings (sampling, noise baselines, ignore and unordered
 * rules by JSON path), the counts every instance adds per second (summed for the fleet, pruned), and
 * the latest mismatch samples per route (redacted).
 */
export class CreateShadowTables1764800000910 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE strangler.shadow_settings (
        context        text PRIMARY KEY,
        sample_percent integer NOT NULL CHECK (sample_percent BETWEEN 0 AND 100),
        noise_percent  integer NOT NULL CHECK (noise_percent BETWEEN 0 AND 100),
        ignore         jsonb NOT NULL DEFAULT '[]',
        unordered      jsonb NOT NULL DEFAULT '[]',
        updated_at     timestamptz NOT NULL,
        updated_by     text NOT NULL
      );

      -- What one instance counted in one second for one route; readers sum over instances.
      CREATE TABLE strangler.shadow_counts (
        context     text NOT NULL,
        route       text NOT NULL,
        second      timestamptz NOT NULL,
        instance    text NOT NULL,
        compared    integer NOT NULL DEFAULT 0,
        matches     integer NOT NULL DEFAULT 0,
        mismatches  integer NOT NULL DEFAULT 0,
        baselines   integer NOT NULL DEFAULT 0,
        noise       integer NOT NULL DEFAULT 0,
        dropped     integer NOT NULL DEFAULT 0,
        unavailable integer NOT NULL DEFAULT 0,
        PRIMARY KEY (context, route, second, instance)
      );
      CREATE INDEX shadow_counts_by_second ON strangler.shadow_counts (second);

      CREATE TABLE strangler.shadow_samples (
        id             bigserial PRIMARY KEY,
        context        text NOT NULL,
        route          text NOT NULL,
        instance       text NOT NULL,
        at             timestamptz NOT NULL,
        request_id     text,
        paths          jsonb NOT NULL,
        concrete_paths jsonb NOT NULL,
        noisy_paths    jsonb NOT NULL,
        monolith       jsonb,
        service        jsonb
      );
      CREATE INDEX shadow_samples_by_route_newest_first ON strangler.shadow_samples (context, route, id DESC);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE strangler.shadow_samples;
      DROP TABLE strangler.shadow_counts;
      DROP TABLE strangler.shadow_settings;
    `);
  }
}
