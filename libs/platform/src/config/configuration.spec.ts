import { Module } from '@nestjs/common';
import { z } from 'zod';
import { generateRsaKeyPair } from '../auth/jwt-keys.js';
import { ConfigError, defineConfig, loadConfiguration, type ConfigSlice } from './config-slice.js';
import { collectConfigSlices, ConfigModule } from './config.module.js';
import { IN_MEMORY, platformConfig } from './platform.config.js';
import { variables } from './variables.js';

const problemsOf = (slices: Array<ConfigSlice<unknown>>, env: Record<string, string>): string[] => {
  try {
    loadConfiguration(slices, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
};

const ports = defineConfig({ name: 'ports', variables: { FRONT_PORT: variables.port().default(80) }, build: (raw) => raw.FRONT_PORT });
const money = defineConfig({
  name: 'money',
  variables: {
    LIMIT_CENTS: variables.wholeNumber(0, Number.MAX_SAFE_INTEGER, 'cents').default(5),
    PIN: z
      .string()
      .regex(/^\d{4}$/, 'must be 4 digits')
      .optional(),
  },
  secrets: ['PIN'],
  build: (raw) => raw.LIMIT_CENTS,
});

describe('loadConfiguration', () => {
  it('gives each slice its documented defaults for an empty environment', () => {
    const configuration = loadConfiguration([platformConfig, ports, money], {});
    expect(configuration.env).toBe('development');
    expect(configuration.get(ports)).toBe(80);
    expect(configuration.get(money)).toBe(5);
    expect(configuration.get(platformConfig)).toMatchObject({
      amqpUrl: undefined,
      amqpNamespace: 'shop',
      logLevel: 'info',
      jwt: { privateKey: undefined, publicKey: undefined },
    });
    expect(configuration.get(platformConfig).database).toEqual({ kind: 'pglite', dataDir: expect.stringMatching(/\/\.data$/) });
  });

  it('uses PostgreSQL when DATABASE_URL is set', () => {
    expect(loadConfiguration([platformConfig], { DATABASE_URL: 'postgres://u@h:5432/db' }).get(platformConfig).database).toEqual({
      kind: 'postgres',
      url: 'postgres://u@h:5432/db',
    });
  });

  it('keeps the embedded database in memory for DATA_DIR=:memory:', () => {
    expect(loadConfiguration([platformConfig], { DATA_DIR: IN_MEMORY }).get(platformConfig).database).toEqual({
      kind: 'pglite',
      dataDir: IN_MEMORY,
    });
  });

  it('reports every bad value of every slice at once, each with its variable and a clear reason', () => {
    const problems = problemsOf([platformConfig, ports, money], {
      NODE_ENV: 'staging',
      FRONT_PORT: '70000',
      LIMIT_CENTS: '-1',
      AMQP_URL: 'http://x',
    });
    expect(problems).toEqual([
      'NODE_ENV: must be development, production, test (got "staging")',
      'AMQP_URL: must be a URL starting with amqp:// or amqps://',
      'FRONT_PORT: must be between 1 and 65535 (got "70000")',
      'LIMIT_CENTS: must not be below 0 (got "-1")',
    ]);
  });

  it('never echoes a secret value in its message', () => {
    expect(problemsOf([money], { PIN: 'abcdef' })).toEqual(['PIN: must be 4 digits']);
    expect(problemsOf([platformConfig], { AMQP_URL: 'http://user:secret@x' })).toEqual([
      'AMQP_URL: must be a URL starting with amqp:// or amqps://',
    ]);
  });

  it('refuses a bad DATABASE_URL and a non-PEM key', () => {
    const problems = problemsOf([platformConfig], { DATABASE_URL: 'mysql://x', JWT_PRIVATE_KEY: 'abc', JWT_PUBLIC_KEY: 'def' });
    expect(problems.map((p) => p.split(':')[0])).toEqual(['DATABASE_URL', 'JWT_PRIVATE_KEY', 'JWT_PUBLIC_KEY']);
  });

  it('needs both JWT keys or neither', () => {
    const { privateKey } = generateRsaKeyPair();
    expect(problemsOf([platformConfig], { JWT_PRIVATE_KEY: privateKey })).toEqual([
      'JWT_PRIVATE_KEY / JWT_PUBLIC_KEY: set both or neither',
    ]);
  });

  it('refuses to start in production with generated keys', () => {
    expect(problemsOf([platformConfig], { NODE_ENV: 'production' })).toEqual([
      'JWT_PRIVATE_KEY: required when NODE_ENV=production (generated development defaults are refused)',
      'JWT_PUBLIC_KEY: required when NODE_ENV=production (generated development defaults are refused)',
    ]);
  });

  it('starts in production when the keys are given', () => {
    const keys = generateRsaKeyPair();
    const configuration = loadConfiguration([platformConfig], {
      NODE_ENV: 'production',
      JWT_PRIVATE_KEY: keys.privateKey,
      JWT_PUBLIC_KEY: keys.publicKey,
    });
    expect(configuration.env).toBe('production');
    expect(configuration.get(platformConfig).jwt).toEqual({ privateKey: keys.privateKey.trim(), publicKey: keys.publicKey.trim() });
  });

  it('trusts no proxy by default, and a hop count or a list of proxy addresses when TRUST_PROXY says so', () => {
    const trustProxy = (value?: string) =>
      loadConfiguration([platformConfig], value === undefined ? {} : { TRUST_PROXY: value }).get(platformConfig).trustProxy;
    expect(trustProxy()).toBe(false);
    expect(trustProxy('')).toBe(false);
    expect(trustProxy('2')).toBe(2);
    expect(trustProxy('loopback, 10.0.0.0/8 ,fd00::1')).toEqual(['loopback', '10.0.0.0/8', 'fd00::1']);
  });

  it('refuses a TRUST_PROXY that would trust any sender, or is not a hop count or proxy addresses', () => {
    expect(problemsOf([platformConfig], { TRUST_PROXY: 'true' })).toEqual([
      'TRUST_PROXY: must be a number of proxy hops (1-10) or a comma-separated list of proxy addresses, subnets, ' +
        'loopback, linklocal or uniquelocal; trusting every sender would let any client forge its address (got "true")',
    ]);
    expect(problemsOf([platformConfig], { TRUST_PROXY: '0' })).toHaveLength(1);
    expect(problemsOf([platformConfig], { TRUST_PROXY: '10.0.0.0/33' })).toHaveLength(1);
    expect(problemsOf([platformConfig], { TRUST_PROXY: 'loopback,,proxy.internal' })).toHaveLength(1);
  });

  it('serves the API docs everywhere but production unless API_DOCS says otherwise', () => {
    const { privateKey, publicKey } = generateRsaKeyPair();
    const keys = { JWT_PRIVATE_KEY: privateKey, JWT_PUBLIC_KEY: publicKey };
    const apiDocs = (env: Record<string, string>) => loadConfiguration([platformConfig], env).get(platformConfig).apiDocs;
    expect(apiDocs({})).toBe(true);
    expect(apiDocs({ NODE_ENV: 'test' })).toBe(true);
    expect(apiDocs({ API_DOCS: 'off' })).toBe(false);
    expect(apiDocs({ NODE_ENV: 'production', ...keys })).toBe(false);
    expect(apiDocs({ NODE_ENV: 'production', API_DOCS: 'on', ...keys })).toBe(true);
    expect(problemsOf([platformConfig], { API_DOCS: 'yes' })).toEqual(['API_DOCS: must be on or off (got "yes")']);
  });

  it('refuses two slices that claim the same variable', () => {
    const thief = defineConfig({ name: 'thief', variables: { FRONT_PORT: variables.port() }, build: () => 0 });
    expect(() => loadConfiguration([ports, thief], {})).toThrow('FRONT_PORT is declared by both the ports and the thief configuration');
  });

  it('answers only the slices it loaded', () => {
    expect(() => loadConfiguration([ports], {}).get(money)).toThrow('"money" was not loaded');
  });
});

describe('collectConfigSlices', () => {
  it('finds the slices declared anywhere in a module tree, static and dynamic imports alike', () => {
    @Module({ imports: [ConfigModule.forFeature(money)] })
    class Leaf {}
    @Module({ imports: [Leaf, ConfigModule.forFeature(ports)] })
    class Middle {}
    const root = {
      module: class Root {},
      imports: [Middle, { module: class Dynamic {}, imports: [Leaf, ConfigModule.forFeature(platformConfig)] }],
    };
    expect(new Set(collectConfigSlices(root))).toEqual(new Set([money, ports, platformConfig]));
  });
});
