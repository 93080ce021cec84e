import { generateRsaKeyPair } from '../auth/jwt-keys.js';
import { ConfigError, IN_MEMORY, loadConfig } from './app-config.js';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
};

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      port: 3000,
      orderServicePort: 3001,
      amqpUrl: undefined,
      admin: { email: 'admin@example.com', password: undefined },
      strangler: { bootModes: { ordering: 'monolith' }, timeoutMs: 3000, breakerCooldownMs: 5000 },
      paymentLimitCents: 100000,
    });
    expect(config.database).toEqual({ kind: 'pglite', dataDir: expect.stringMatching(/\/\.data$/) });
  });

  it('uses PostgreSQL when DATABASE_URL is set', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h:5432/db' }).database).toEqual({ kind: 'postgres', url: 'postgres://u@h:5432/db' });
  });

  it('keeps the embedded database in memory for DATA_DIR=:memory:', () => {
    expect(loadConfig({ DATA_DIR: IN_MEMORY }).database).toEqual({ kind: 'pglite', dataDir: IN_MEMORY });
  });

  it('reports every bad value at once, each with its variable and a clear reason', () => {
    const problems = problemsOf({ PORT: 'abc', ORDER_SERVICE_PORT: '70000', STRANGLER_ORDERING: 'sideways', PAYMENT_LIMIT_CENTS: '-1', AMQP_URL: 'http://x' });
    expect(problems).toEqual([
      'PORT: must be a whole number (got "abc")',
      'ORDER_SERVICE_PORT: must be between 1 and 65535 (got "70000")',
      'AMQP_URL: must be a URL starting with amqp:// or amqps://',
      'STRANGLER_ORDERING: must be one of monolith, service, shadow, canary (got "sideways")',
      'PAYMENT_LIMIT_CENTS: must not be negative (got "-1")',
    ]);
  });

  it('never echoes a secret value in its message', () => {
    const [problem] = problemsOf({ ADMIN_PASSWORD: 'short' });
    expect(problem).toBe('ADMIN_PASSWORD: must be at least 8 characters');
  });

  it('caps the strangler timeout at 3 s', () => {
    expect(problemsOf({ STRANGLER_TIMEOUT_MS: '5000' })).toEqual(['STRANGLER_TIMEOUT_MS: must be between 100 and 3000 (got "5000")']);
  });

  it('refuses a bad DATABASE_URL, a bad admin email and a non-PEM key', () => {
    const problems = problemsOf({ DATABASE_URL: 'mysql://x', ADMIN_EMAIL: 'nope', JWT_PRIVATE_KEY: 'abc', JWT_PUBLIC_KEY: 'def' });
    expect(problems.map((p) => p.split(':')[0])).toEqual(['DATABASE_URL', 'JWT_PRIVATE_KEY', 'JWT_PUBLIC_KEY', 'ADMIN_EMAIL']);
  });

  it('needs both JWT keys or neither', () => {
    const { privateKey } = generateRsaKeyPair();
    expect(problemsOf({ JWT_PRIVATE_KEY: privateKey })).toEqual(['JWT_PRIVATE_KEY / JWT_PUBLIC_KEY: set both or neither']);
  });

  it('refuses to start in production with generated secrets or a generated admin password', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      'JWT_PRIVATE_KEY: required when NODE_ENV=production (generated development defaults are refused)',
      'JWT_PUBLIC_KEY: required when NODE_ENV=production (generated development defaults are refused)',
      'ADMIN_EMAIL: required when NODE_ENV=production (generated development defaults are refused)',
      'ADMIN_PASSWORD: required when NODE_ENV=production (generated development defaults are refused)',
    ]);
  });

  it('starts in production when every secret is given', () => {
    const keys = generateRsaKeyPair();
    const config = loadConfig({
      NODE_ENV: 'production',
      JWT_PRIVATE_KEY: keys.privateKey,
      JWT_PUBLIC_KEY: keys.publicKey,
      ADMIN_EMAIL: 'Root@Shop.test',
      ADMIN_PASSWORD: 'correct horse battery',
    });
    expect(config.admin).toEqual({ email: 'root@shop.test', password: 'correct horse battery' });
  });
});
