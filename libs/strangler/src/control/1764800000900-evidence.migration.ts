import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The evidence a strangled context is judged on: per second, per instance, per side, how many
 * requests, how many errors and a latency histogram (summed over instances when read, pruned after
 * a while); the gates each context is held to and what the last judgement said; and a stepped
 * promotion plan per context.
 */
export class CreateEvidence1764800000900 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE strangler.outcomes (
        context  text NOT NULL,
        second   timestamptz NOT NULL,
        side     text NOT NULL CHECK (side IN ('monolith', 'service')),
        instance text NOT NULL,
        requests integer NOT NULL,
        errors   integer NOT NULL,
        -- Counts per fixed latency bucket (see evidence/histogram.ts).
        buckets  integer[] NOT NULL,
        PRIMARY KEY (context, second, side, instance)
      );
      CREATE INDEX outcomes_by_second ON strangler.outcomes (second);

      CREATE TABLE strangler.gates (
        context        text PRIMARY KEY,
        window_s       integer NOT NULL,
        min_requests   integer NOT NULL,
        max_error_rate double precision NOT NULL,
        max_p99_ms     integer,
        max_p99_ratio  double precision,
        dry_run        boolean NOT NULL,
        updated_at     timestamptz NOT NULL,
        updated_by     text NOT NULL
      );

      -- What the decider last concluded for a context, and the monolith's p99 before the switch.
      CREATE TABLE strangler.gate_state (
        context          text PRIMARY KEY,
        status           text NOT NULL,
        reason           text,
        at               timestamptz,
        figures          jsonb,
        baseline_p99_ms  double precision
      );

      CREATE TABLE strangler.plans (
        context         text PRIMARY KEY,
        steps           jsonb NOT NULL,
        status          text NOT NULL CHECK (status IN ('idle', 'running', 'paused', 'done', 'aborted', 'rolled-back')),
        step_index      integer NOT NULL,
        step_started_at timestamptz,
        -- The shadow comparisons counted when the step started (the step counts from there).
        shadow_start    jsonb,
        updated_at      timestamptz NOT NULL,
        updated_by      text NOT NULL
      );
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE strangler.plans;
      DROP TABLE strangler.gate_state;
      DROP TABLE strangler.gates;
      DROP TABLE strangler.outcomes;
    `);
  }
}
