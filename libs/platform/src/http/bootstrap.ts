import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { configureHttpApp } from './configure-http-app.js';

/** Creates, configures and starts an app shell on the given port. */
export async function bootstrapHttpApp(module: unknown, port: number): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module as never, { bodyParser: false, bufferLogs: true });
  configureHttpApp(app);
  // SIGTERM/SIGINT stop taking requests, close database and broker connections, then exit 0.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  await app.listen(port);
  return app;
}
