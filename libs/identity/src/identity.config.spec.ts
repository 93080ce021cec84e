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

describe('identity configuration', () => {
  it('seeds admin@example.com (with a generated password) by default', () => {
    expect(loadConfiguration([identityConfig], {}).get(identityConfig)).toEqual({
      admin: { email: 'admin@example.com', password: undefined },
    });
  });

  it('compares the admin email case-insensitively', () => {
    expect(
      loadConfiguration([identityConfig], { ADMIN_EMAIL: 'Root@Shop.test', ADMIN_PASSWORD: 'correct horse battery' }).get(identityConfig),
    ).toEqual({
      admin: { email: 'root@shop.test', password: 'correct horse battery' },
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
