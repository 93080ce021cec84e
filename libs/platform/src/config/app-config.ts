import { isAbsolute, resolve } from 'node:path';
import type { z } from 'zod';
import { configSchema, type RawConfig } from './config.schema.js';

import type { StranglerMode } from '../strangler/strangleable-context.js';
export type Environment = RawConfig['NODE_ENV'];

/** `DATA_DIR=:memory:` keeps the embedded database and dev keys in memory (tests, throw-away demos). */
export const IN_MEMORY = ':memory:';

export type DatabaseConfig =
  | { kind: 'postgres'; url: string }
  | { kind: 'pglite'; dataDir: string | typeof IN_MEMORY };

export interface AppConfig {
  env: Environment;
  port: number;
  orderServicePort: number;
  database: DatabaseConfig;
  amqpUrl: string | undefined;
  /** Prefix of every exchange and queue name (see AmqpNames). */
  amqpNamespace: string;
  /** Absolute path, or IN_MEMORY. */
  dataDir: string;
  jwt: { privateKey: string | undefined; publicKey: string | undefined };
  admin: { email: string; password: string | undefined };
  strangler: {
    /** Boot-time mode per strangleable context, used when none is persisted. */
    bootModes: Record<string, StranglerMode>;
    /** Every call to an extracted service gives up after this (at most 3 s). */
    timeoutMs: number;
    /** How long an open circuit stays open before one call is let through to test the service. */
    breakerCooldownMs: number;
  };
  paymentLimitCents: number;
  logLevel: RawConfig['LOG_LEVEL'];
}

const SECRET_VARIABLES = new Set(['JWT_PRIVATE_KEY', 'JWT_PUBLIC_KEY', 'ADMIN_PASSWORD', 'DATABASE_URL', 'AMQP_URL']);

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses and validates the environment once, at start-up; every bad value is reported, not just the first. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error, env));
  const raw = parsed.data;
  const problems = crossFieldProblems(raw);
  if (problems.length > 0) throw new ConfigError(problems);

  const dataDir = raw.DATA_DIR === IN_MEMORY ? IN_MEMORY : absolute(raw.DATA_DIR);
  return {
    env: raw.NODE_ENV,
    port: raw.PORT,
    orderServicePort: raw.ORDER_SERVICE_PORT,
    database: raw.DATABASE_URL ? { kind: 'postgres', url: raw.DATABASE_URL } : { kind: 'pglite', dataDir },
    amqpUrl: raw.AMQP_URL,
    amqpNamespace: raw.AMQP_NAMESPACE,
    dataDir,
    jwt: { privateKey: raw.JWT_PRIVATE_KEY, publicKey: raw.JWT_PUBLIC_KEY },
    admin: { email: (raw.ADMIN_EMAIL ?? 'admin@example.com').toLowerCase(), password: raw.ADMIN_PASSWORD },
    strangler: { bootModes: { ordering: raw.STRANGLER_ORDERING }, timeoutMs: raw.STRANGLER_TIMEOUT_MS, breakerCooldownMs: raw.STRANGLER_BREAKER_COOLDOWN_MS },
    paymentLimitCents: raw.PAYMENT_LIMIT_CENTS,
    logLevel: raw.LOG_LEVEL,
  };
}

function crossFieldProblems(raw: RawConfig): string[] {
  const problems: string[] = [];
  if (Boolean(raw.JWT_PRIVATE_KEY) !== Boolean(raw.JWT_PUBLIC_KEY)) {
    problems.push('JWT_PRIVATE_KEY / JWT_PUBLIC_KEY: set both or neither');
  }
  if (raw.NODE_ENV === 'production') {
    const required = ['JWT_PRIVATE_KEY', 'JWT_PUBLIC_KEY', 'ADMIN_EMAIL', 'ADMIN_PASSWORD'] as const;
    for (const name of required) {
      if (!raw[name]) problems.push(`${name}: required when NODE_ENV=production (generated development defaults are refused)`);
    }
  }
  return problems;
}

function describeIssues(error: z.ZodError, env: Record<string, string | undefined>): string[] {
  return error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '(environment)');
    const value = env[name];
    const shown = value === undefined || SECRET_VARIABLES.has(name) ? '' : ` (got ${JSON.stringify(value)})`;
    return `${name}: ${issue.message}${shown}`;
  });
}

function absolute(path: string): string {
  return isAbsolute(path) ? path : resolve(process.cwd(), path);
}
