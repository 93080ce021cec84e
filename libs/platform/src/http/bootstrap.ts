import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ConfigError, loadConfig, type AppConfig } from '../config/app-config.js';
import { configureHttpApp } from './configure-http-app.js';

/** Creates, configures and starts an app shell on the given port. */
export async function bootstrapHttpApp(module: DynamicModule, port: number): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module, { bodyParser: false, bufferLogs: true });
  configureHttpApp(app);
  // SIGTERM/SIGINT stop taking requests, close database and broker connections, then exit 0.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  await app.listen(port);
  return app;
}

/** An app's main: validate the environment (exit 78, EX_CONFIG, with every problem listed) and start. */
export async function runHttpApp(shell: (config: AppConfig) => DynamicModule, portOf: (config: AppConfig) => number): Promise<void> {
  let config: AppConfig;
  let module: DynamicModule;
  try {
    config = loadConfig();
    module = shell(config);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(78);
  }
  await bootstrapHttpApp(module, portOf(config));
}
