import { isIP } from 'node:net';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_POOL, type PoolSettings } from '../database/context-pool.js';
import { defineConfig } from './config-slice.js';
import { variables } from './variables.js';

/** `DATA_DIR=:memory:` keeps the embedded database and dev keys in memory (tests, throw-away demos). */
export const IN_MEMORY = ':memory:';

export type DatabaseConfig = { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string | typeof IN_MEMORY };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Express's `trust proxy`: none, a number of hops, or the proxies' addresses (never "every sender"). */
export type TrustProxy = false | number | string[];

export interface PlatformConfig {
  database: DatabaseConfig;
  /**
   * `DATABASE_SHARED_POOL` (and `DATABASE_SHARED_POOL_STATEMENT_TIMEOUT_MS`): one pool of that many
   * connections for every context instead of one pool each: a switch for tests that show what
   * separate pools protect, never for production.
   */
  sharedPool: PoolSettings | undefined;
  amqpUrl: string | undefined;
  /** Give up on opening the broker connection (TCP and handshake) after this long, and try again. */
  amqpConnectTimeoutMs: number;
  /** Give up waiting for the broker to confirm a published message after this long (the outbox sends it again). */
  amqpConfirmTimeoutMs: number;
  /** Prefix of every exchange and queue name (see AmqpNames). */
  amqpNamespace: string;
  /** Absolute path, or IN_MEMORY. */
  dataDir: string;
  jwt: { privateKey: string | undefined; publicKey: string | undefined };
  logLevel: (typeof LOG_LEVELS)[number];
  /** Which senders may tell the client's address in X-Forwarded-For; false: the connection's address is the client's. */
  trustProxy: TrustProxy;
  /** Whether /docs and /docs-json are served: `API_DOCS`, by default everywhere but production. */
  apiDocs: boolean;
}

/** The plumbing's own settings: where the database, the broker, the keys and the logs are, and whether the API docs are served. */
export const platformConfig = defineConfig({
  name: 'platform',
  variables: {
    DATABASE_URL: variables.url(['postgres', 'postgresql']),
    DATABASE_SHARED_POOL: variables.wholeNumber(2, 200, 'connections').optional(),
    DATABASE_SHARED_POOL_STATEMENT_TIMEOUT_MS: variables.wholeNumber(100, 600_000, 'milliseconds').default(DEFAULT_POOL.statementTimeoutMs),
    AMQP_URL: variables.url(['amqp', 'amqps']),
    AMQP_CONNECT_TIMEOUT_MS: variables.wholeNumber(100, 60_000, 'milliseconds').default(5000),
    AMQP_CONFIRM_TIMEOUT_MS: variables.wholeNumber(100, 60_000, 'milliseconds').default(5000),
    AMQP_NAMESPACE: z
      .string()
      .trim()
      .regex(/^[a-z0-9][a-z0-9-]{0,40}$/, 'must be 1-41 lower-case letters, digits or dashes')
      .default('shop'),
    DATA_DIR: z.string().trim().min(1, 'must not be empty').default('.data'),
    JWT_PRIVATE_KEY: variables.pem('PRIVATE KEY'),
    JWT_PUBLIC_KEY: variables.pem('PUBLIC KEY'),
    LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be a pino level (${LOG_LEVELS.join(', ')})` }).default('info'),
    TRUST_PROXY: variables.optionalText().transform((value, context): TrustProxy => {
      const trusted = value === undefined ? false : parseTrustProxy(value);
      if (trusted === undefined) context.addIssue({ code: 'custom', message: TRUST_PROXY_RULE });
      return trusted ?? false;
    }),
    API_DOCS: z.enum(['on', 'off'], { error: 'must be on or off' }).optional(),
  },
  secrets: ['JWT_PRIVATE_KEY', 'JWT_PUBLIC_KEY', 'DATABASE_URL', 'AMQP_URL'],
  check: (raw, { env }) => {
    const problems: string[] = [];
    if (raw.DATABASE_SHARED_POOL !== undefined && env === 'production')
      problems.push('DATABASE_SHARED_POOL: a test switch; production gives every context a pool of its own');
    if (Boolean(raw.JWT_PRIVATE_KEY) !== Boolean(raw.JWT_PUBLIC_KEY))
      problems.push('JWT_PRIVATE_KEY / JWT_PUBLIC_KEY: set both or neither');
    if (env === 'production') {
      for (const name of ['JWT_PRIVATE_KEY', 'JWT_PUBLIC_KEY'] as const) if (!raw[name]) problems.push(requiredInProduction(name));
    }
    return problems;
  },
  build: (raw, { env }): PlatformConfig => {
    const dataDir = raw.DATA_DIR === IN_MEMORY ? IN_MEMORY : absolute(raw.DATA_DIR);
    return {
      database: raw.DATABASE_URL ? { kind: 'postgres', url: raw.DATABASE_URL } : { kind: 'pglite', dataDir },
      sharedPool:
        raw.DATABASE_SHARED_POOL === undefined
          ? undefined
          : { size: raw.DATABASE_SHARED_POOL, statementTimeoutMs: raw.DATABASE_SHARED_POOL_STATEMENT_TIMEOUT_MS },
      amqpUrl: raw.AMQP_URL,
      amqpConnectTimeoutMs: raw.AMQP_CONNECT_TIMEOUT_MS,
      amqpConfirmTimeoutMs: raw.AMQP_CONFIRM_TIMEOUT_MS,
      amqpNamespace: raw.AMQP_NAMESPACE,
      dataDir,
      jwt: { privateKey: raw.JWT_PRIVATE_KEY, publicKey: raw.JWT_PUBLIC_KEY },
      logLevel: raw.LOG_LEVEL,
      trustProxy: raw.TRUST_PROXY,
      // A production API does not hand out its own map unless asked to.
      apiDocs: raw.API_DOCS ? raw.API_DOCS === 'on' : env !== 'production',
    };
  },
});

/** The one wording for a secret that production must be given. */
export const requiredInProduction = (variable: string): string =>
  `${variable}: required when NODE_ENV=production (generated development defaults are refused)`;

const TRUST_PROXY_RULE =
  'must be a number of proxy hops (1-10) or a comma-separated list of proxy addresses, subnets, loopback, linklocal or uniquelocal; ' +
  'trusting every sender would let any client forge its address';
const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** A hop count or a list Express (proxy-addr) accepts; undefined for anything else, `true` ("trust everyone") included. */
function parseTrustProxy(value: string): TrustProxy | undefined {
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return hops >= 1 && hops <= 10 ? hops : undefined;
  }
  const entries = value.split(',').map((entry) => entry.trim());
  return entries.every(isProxyEntry) ? entries : undefined;
}

function isProxyEntry(entry: string): boolean {
  if (PROXY_NAMES.has(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const version = isIP(address ?? '');
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

function absolute(path: string): string {
  return isAbsolute(path) ? path : resolve(process.cwd(), path);
}
