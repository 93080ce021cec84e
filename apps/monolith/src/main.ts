import 'reflect-metadata';
import { bootstrapHttpApp, ConfigError, loadConfig } from '@shop/platform';
import { MonolithModule } from './monolith.module.js';

try {
  const config = loadConfig();
  await bootstrapHttpApp(MonolithModule.forRoot(config), config.port);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(78); // EX_CONFIG
}
