import 'reflect-metadata';
import { runHttpApp } from '@shop/platform';
import { MonolithModule } from './monolith.module.js';

await runHttpApp((config) => MonolithModule.forRoot(config), (config) => config.port);
