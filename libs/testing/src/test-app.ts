import { Module, type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  configureHttpApp,
  generateRsaKeyPair,
  HTTP_APP_OPTIONS,
  prepareApp,
  ProblemJsonExpressAdapter,
  type AppShell,
  type JwtKeyPair,
} from '@shop/platform';

let processKeys: JwtKeyPair | undefined;

export type TestEnv = Record<string, string | undefined>;

/**
 * The environment of an app under test: in-memory PGlite, silent logs, then the overrides. Every app
 * of a test process shares one key pair, as a deployment's monolith and order-service share theirs
 * (and because passport keeps one 'jwt' strategy per process, the last app's).
 */
export function testEnv(overrides: TestEnv = {}): TestEnv {
  processKeys ??= generateRsaKeyPair();
  return {
    NODE_ENV: 'test',
    DATA_DIR: ':memory:',
    LOG_LEVEL: 'silent',
    JWT_PRIVATE_KEY: processKeys.privateKey,
    JWT_PUBLIC_KEY: processKeys.publicKey,
    ...overrides,
  };
}

@Module({})
class TestRoot {}

/** Some modules, hosted as an app shell would host them (for tests of part of an app). */
export const shellOf = (...modules: Array<Type | DynamicModule>): AppShell => ({
  name: 'test',
  composition: [],
  compose: () => ({ module: TestRoot, imports: modules }),
  port: () => 0,
});

/**
 * Boots an app shell exactly as its main does (configuration validated from `testEnv(env)`, same
 * HTTP conventions), plus any test-only modules, ready for supertest.
 */
export async function createTestApp(
  shell: AppShell,
  options: { env?: TestEnv; imports?: Array<Type | DynamicModule> } = {},
): Promise<INestApplication> {
  const { module } = prepareApp(shell, testEnv(options.env));
  const moduleRef = await Test.createTestingModule({ imports: [module, ...(options.imports ?? [])] }).compile();
  const app = moduleRef.createNestApplication(new ProblemJsonExpressAdapter(), HTTP_APP_OPTIONS);
  configureHttpApp(app);
  await app.init();
  return app;
}
