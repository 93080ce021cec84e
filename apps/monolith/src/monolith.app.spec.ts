import { ConfigError, prepareApp } from '@shop/platform';
import { monolithApp, monolithConfig } from './monolith.app.js';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    prepareApp(monolithApp, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
};

describe('the monolith configuration, collected from every module it hosts', () => {
  it('starts on the documented defaults with an empty environment', () => {
    const { configuration } = prepareApp(monolithApp, {});
    expect(configuration.env).toBe('development');
    expect(configuration.get(monolithConfig)).toEqual({ port: 3000 });
  });

  it('reports every bad value of every module at once, each with its variable and a clear reason', () => {
    expect(
      problemsOf({ PORT: 'abc', STRANGLER_ORDERING: 'sideways', PAYMENT_LIMIT_CENTS: '-1', AMQP_URL: 'http://x', ADMIN_PASSWORD: 'short' }),
    ).toEqual(
      expect.arrayContaining([
        'PORT: must be a whole number (got "abc")',
        'AMQP_URL: must be a URL starting with amqp:// or amqps://',
        'STRANGLER_ORDERING: must be one of monolith, service, shadow, canary (got "sideways")',
        'PAYMENT_LIMIT_CENTS: must not be below 0 (got "-1")',
        'ADMIN_PASSWORD: must be at least 8 characters',
      ]),
    );
    expect(
      problemsOf({ PORT: 'abc', STRANGLER_ORDERING: 'sideways', PAYMENT_LIMIT_CENTS: '-1', AMQP_URL: 'http://x', ADMIN_PASSWORD: 'short' }),
    ).toHaveLength(5);
  });

  it('refuses to start in production with generated secrets or a generated admin password', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      'JWT_PRIVATE_KEY: required when NODE_ENV=production (generated development defaults are refused)',
      'JWT_PUBLIC_KEY: required when NODE_ENV=production (generated development defaults are refused)',
      'ADMIN_EMAIL: required when NODE_ENV=production (generated development defaults are refused)',
      'ADMIN_PASSWORD: required when NODE_ENV=production (generated development defaults are refused)',
    ]);
  });

  it('caps the strangler timeout at 3 s', () => {
    expect(problemsOf({ STRANGLER_TIMEOUT_MS: '5000' })).toEqual(['STRANGLER_TIMEOUT_MS: must be between 100 and 3000 (got "5000")']);
  });
});
