import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The control plane's tables: a context can be `retired` (served only by its service, its data
 * handed off) and frozen for a handoff; every instance of every app registers and beats; a handoff
 * is a persisted, resumable sequence of steps; and one audit trail records route changes and
 * handoff steps alike.
 */
export class CreateControlPlane1764700000900 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE strangler.routes DROP CONSTRAINT routes_mode_check;
      ALTER TABLE strangler.routes ADD CONSTRAINT routes_mode_check CHECK (mode IN ('monolith', 'service', 'shadow', 'canary', 'retired'));
      -- Set while a handoff copies the context's data: writes are refused, consumers paused everywhere.
      ALTER TABLE strangler.routes ADD COLUMN frozen_since timestamptz;

      ALTER TABLE strangler.route_changes RENAME TO audit;
      ALTER TABLE strangler.audit ADD COLUMN action text NOT NULL DEFAULT 'route';
      ALTER TABLE strangler.audit ADD COLUMN details jsonb;
      ALTER TABLE strangler.audit ALTER COLUMN to_mode DROP NOT NULL;
      ALTER TABLE strangler.audit ALTER COLUMN to_percent DROP NOT NULL;
      CREATE INDEX audit_by_context_newest_first ON strangler.audit (context, id DESC);

      -- Every running instance of every app, with what it reports about itself (a heartbeat).
      CREATE TABLE strangler.instances (
        id         text PRIMARY KEY,
        app        text NOT NULL,
        started_at timestamptz NOT NULL,
        seen_at    timestamptz NOT NULL,
        report     jsonb NOT NULL
      );

      -- At most one handoff per context at a time; the row outlives it as the last one's record.
      CREATE TABLE strangler.handoffs (
        context      text PRIMARY KEY,
        direction    text NOT NULL CHECK (direction IN ('out', 'back')),
        status       text NOT NULL CHECK (status IN ('running', 'interrupted', 'failed', 'aborted', 'done')),
        step         text NOT NULL,
        driver       text,
        started_at   timestamptz NOT NULL,
        started_by   text NOT NULL,
        frozen_at    timestamptz,
        unfrozen_at  timestamptz,
        updated_at   timestamptz NOT NULL,
        figures      jsonb NOT NULL DEFAULT '{}',
        error        text
      );
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE strangler.handoffs;
      DROP TABLE strangler.instances;
      DROP INDEX strangler.audit_by_context_newest_first;
      ALTER TABLE strangler.audit DROP COLUMN details;
      ALTER TABLE strangler.audit DROP COLUMN action;
      ALTER TABLE strangler.audit RENAME TO route_changes;
      ALTER TABLE strangler.routes DROP COLUMN frozen_since;
    `);
  }
}
