import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ConfigError, loadConfiguration, type ConfigSlice, type Configuration } from '../config/config-slice.js';
import { collectConfigSlices, ConfigModule } from '../config/config.module.js';
import { platformConfig } from '../config/platform.config.js';
import { configureHttpApp, HTTP_APP_OPTIONS } from './configure-http-app.js';
import { ProblemJsonExpressAdapter } from './problem-json-express-adapter.js';

/** A deployable: what it hosts, decided from its composition settings, and where it listens. */
export interface AppShell {
  name: string;
  /** Settings that decide what the app is made of (read first; every one needs a default). */
  composition: Array<ConfigSlice<unknown>>;
  compose(composition: Configuration): DynamicModule;
  port(configuration: Configuration): number;
  /** Problems with the whole configuration that no one slice can see (e.g. a broker the app cannot run without). */
  check?(configuration: Configuration): string[];
}

export interface PreparedApp {
  configuration: Configuration;
  module: DynamicModule;
}

@Module({})
class AppRoot {}

/**
 * Composes the shell and validates the configuration of everything it is made of, together: every
 * slice declared anywhere in the module tree is checked against `env`, and every problem is reported
 * in one ConfigError. Bad composition settings are reported too (the tree is then composed from their
 * defaults, so the rest is still checked).
 */
export function prepareApp(shell: AppShell, env: Record<string, string | undefined> = process.env): PreparedApp {
  let composition: Configuration;
  try {
    composition = loadConfiguration(shell.composition, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    composition = loadConfiguration(shell.composition, {});
  }
  const module = shell.compose(composition);
  const configuration = loadConfiguration([platformConfig, ...shell.composition, ...collectConfigSlices(module)], env);
  const problems = shell.check?.(configuration) ?? [];
  if (problems.length > 0) throw new ConfigError(problems);
  return { configuration, module: { module: AppRoot, imports: [ConfigModule.forRoot(configuration), module] } };
}

/** Creates, configures and starts a prepared app on the given port. */
export async function bootstrapHttpApp({ module }: PreparedApp, port: number): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module, new ProblemJsonExpressAdapter(), HTTP_APP_OPTIONS);
  configureHttpApp(app);
  // SIGTERM/SIGINT stop taking requests, close database and broker connections, then exit 0.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  await app.listen(port);
  return app;
}

/** An app's main: validate the environment (exit 78, EX_CONFIG, with every problem listed) and start; answers the started app. */
export async function runHttpApp(shell: AppShell): Promise<NestExpressApplication> {
  let prepared: PreparedApp;
  try {
    prepared = prepareApp(shell);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(78);
  }
  return bootstrapHttpApp(prepared, shell.port(prepared.configuration));
}
