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

/**
 * The trace context of the work that wrote an outbox row (W3C `traceparent`/`tracestate`), so the
 * relay publishes the event in that trace rather than in its own.
 */
export function outboxTraceContextMigration(schema: string): new () => MigrationInterface {
  return class AddOutboxTraceContext implements MigrationInterface {
    readonly name = 'AddOutboxTraceContext1764900000000';

    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`ALTER TABLE "${schema}".outbox ADD COLUMN trace_context jsonb`);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`ALTER TABLE "${schema}".outbox DROP COLUMN trace_context`);
    }
  };
}

/** Every migration of a context's outbox and inbox, in order: what a context's schema needs for them today. */
export function outboxMigrations(schema: string): Array<new () => MigrationInterface> {
  return [outboxInboxMigration(schema), outboxTraceContextMigration(schema)];
}

/**
 * Renames inbox handler keys, so messages handled under a handler's former name stay handled under
 * its new one (a redelivery after the rename is still recognised). `renames` maps old to new.
 */
export function inboxHandlerRenames(schema: string, name: string, renames: Record<string, string>): new () => MigrationInterface {
  return class RenameInboxHandlers implements MigrationInterface {
    readonly name = name;

    async up(queryRunner: QueryRunner): Promise<void> {
      for (const [from, to] of Object.entries(renames)) {
        await queryRunner.query(`UPDATE "${schema}".inbox SET handler = $2 WHERE handler = $1`, [from, to]);
      }
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      for (const [from, to] of Object.entries(renames)) {
        await queryRunner.query(`UPDATE "${schema}".inbox SET handler = $1 WHERE handler = $2`, [from, to]);
      }
    }
  };
}
