import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { generateRsaKeyPair, type JwtKeyPair } from '../auth/jwt-keys.js';
import { loadConfig, type AppConfig } from '../config/app-config.js';
import { configureHttpApp } from '../http/configure-http-app.js';

let processKeys: JwtKeyPair | undefined;

/**
 * Config for tests: in-memory PGlite, silent logs; override any variable. Every app of a test
 * process shares one key pair, as a deployment's monolith and order-service share theirs (and
 * because passport keeps one 'jwt' strategy per process, the last app's).
 */
export function testConfig(env: Record<string, string | undefined> = {}): AppConfig {
  processKeys ??= generateRsaKeyPair();
  return loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: ':memory:',
    LOG_LEVEL: 'silent',
    JWT_PRIVATE_KEY: processKeys.privateKey,
    JWT_PUBLIC_KEY: processKeys.publicKey,
    ...env,
  });
}

/** Boots a module exactly as main.ts does (same HTTP conventions), ready for supertest. */
export async function createTestApp(imports: Array<Type | DynamicModule>): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports }).compile();
  const app = moduleRef.createNestApplication({ bodyParser: false, bufferLogs: true });
  configureHttpApp(app);
  await app.init();
  return app;
}
