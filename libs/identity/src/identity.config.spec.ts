import { ConfigError, loadConfiguration } from '@shop/platform';
import { identityConfig } from './identity.config.js';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfiguration([identityConfig], env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
};

const DEFAULT_LIMITS = {
  login: {
    perAccountAndAddress: 5,
    perAddress: 20,
    windowSeconds: 900,
    slowdownAfter: 10,
    slowdownWindowSeconds: 3600,
    maxSlowdownSeconds: 60,
  },
  registration: { perAddress: 10, windowSeconds: 3600 },
};

describe('identity configuration', () => {
  it('seeds admin@example.com (with a generated password) and applies the documented limits by default', () => {
    expect(loadConfiguration([identityConfig], {}).get(identityConfig)).toEqual({
      admin: { email: 'admin@example.com', password: undefined },
      limits: DEFAULT_LIMITS,
    });
  });

  it('takes every limit from its variable', () => {
    const { limits } = loadConfiguration([identityConfig], {
      LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS: '3',
      LOGIN_LIMIT_PER_ADDRESS: '50',
      LOGIN_LIMIT_WINDOW_SECONDS: '600',
      LOGIN_SLOWDOWN_AFTER: '25',
      LOGIN_SLOWDOWN_WINDOW_SECONDS: '7200',
      LOGIN_SLOWDOWN_MAX_SECONDS: '120',
      REGISTRATION_LIMIT_PER_ADDRESS: '100',
      REGISTRATION_LIMIT_WINDOW_SECONDS: '86400',
    }).get(identityConfig);
    expect(limits).toEqual({
      login: {
        perAccountAndAddress: 3,
        perAddress: 50,
        windowSeconds: 600,
        slowdownAfter: 25,
        slowdownWindowSeconds: 7200,
        maxSlowdownSeconds: 120,
      },
      registration: { perAddress: 100, windowSeconds: 86400 },
    });
  });

  it('refuses limits out of range or not whole numbers, naming each variable', () => {
    expect(
      problemsOf({
        LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS: '0',
        LOGIN_LIMIT_WINDOW_SECONDS: '90000',
        LOGIN_SLOWDOWN_MAX_SECONDS: '1.5',
        REGISTRATION_LIMIT_PER_ADDRESS: 'many',
      }),
    ).toEqual([
      'LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS: must be between 1 and 100 (got "0")',
      'LOGIN_LIMIT_WINDOW_SECONDS: must be between 1 and 86400 (got "90000")',
      'LOGIN_SLOWDOWN_MAX_SECONDS: must be a whole number of seconds (got "1.5")',
      'REGISTRATION_LIMIT_PER_ADDRESS: must be a whole number (got "many")',
    ]);
  });

  it('refuses a per-account-and-address limit above the per-address one, which could never be reached', () => {
    expect(problemsOf({ LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS: '30', LOGIN_LIMIT_PER_ADDRESS: '20' })).toEqual([
      'LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS: must not exceed LOGIN_LIMIT_PER_ADDRESS (30 > 20)',
    ]);
  });

  it('compares the admin email case-insensitively', () => {
    expect(
      loadConfiguration([identityConfig], { ADMIN_EMAIL: 'Root@Shop.test', ADMIN_PASSWORD: 'correct horse battery' }).get(identityConfig),
    ).toEqual({
      admin: { email: 'root@shop.test', password: 'correct horse battery' },
      limits: DEFAULT_LIMITS,
    });
  });

  it('refuses a bad admin email, and a short password without echoing it', () => {
    expect(problemsOf({ ADMIN_EMAIL: 'nope', ADMIN_PASSWORD: 'short' })).toEqual([
      'ADMIN_EMAIL: must be an email address (got "nope")',
      'ADMIN_PASSWORD: must be at least 8 characters',
    ]);
  });

  it('requires both in production', () => {
    expect(problemsOf({ NODE_ENV: 'production', ADMIN_EMAIL: 'root@shop.test' })).toEqual([
      'ADMIN_PASSWORD: required when NODE_ENV=production (generated development defaults are refused)',
    ]);
  });
});
