import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox and inbox tables, created in each context's own schema by that context's migrations
 * (so they move with the context). Added to every context by BoundedContextModule.
 */
export function outboxInboxMigration(schema: string): new () => MigrationInterface {
  return class CreateOutboxInbox implements MigrationInterface {
    readonly name = 'CreateOutboxInbox1763700000000';

    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`
        CREATE TABLE "${schema}".outbox (
          position      bigserial PRIMARY KEY,
          id            uuid NOT NULL UNIQUE,
          type          text NOT NULL,
          version       integer NOT NULL,
          payload       jsonb NOT NULL,
          correlation_id text NOT NULL,
          causation_id  uuid,
          occurred_at   timestamptz NOT NULL,
          available_at  timestamptz NOT NULL DEFAULT now(),
          attempts      integer NOT NULL DEFAULT 0,
          published_at  timestamptz,
          dead_at       timestamptz,
          last_error    text
        );
        CREATE INDEX outbox_pending ON "${schema}".outbox (position) WHERE published_at IS NULL AND dead_at IS NULL;
        CREATE TABLE "${schema}".inbox (
          message_id uuid NOT NULL,
          handler    text NOT NULL,
          handled_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (message_id, handler)
        );
      `);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`DROP TABLE "${schema}".inbox; DROP TABLE "${schema}".outbox;`);
    }
  };
}
