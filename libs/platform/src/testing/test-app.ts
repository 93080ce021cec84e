import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { loadConfig, type AppConfig } from '../config/app-config.js';
import { configureHttpApp } from '../http/configure-http-app.js';

/** Config for tests: in-memory PGlite, silent logs, generated keys; override any variable. */
export function testConfig(env: Record<string, string | undefined> = {}): AppConfig {
  return loadConfig({ NODE_ENV: 'test', DATA_DIR: ':memory:', LOG_LEVEL: 'silent', ...env });
}

/** Boots a module exactly as main.ts does (same HTTP conventions), ready for supertest. */
export async function createTestApp(imports: Array<Type | DynamicModule>): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports }).compile();
  const app = moduleRef.createNestApplication({ bodyParser: false, bufferLogs: true });
  configureHttpApp(app);
  await app.init();
  return app;
}
