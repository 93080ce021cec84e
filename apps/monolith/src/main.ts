import 'reflect-metadata';
import { runHttpApp } from '@shop/platform';
import { monolithApp } from './monolith.app.js';

await runHttpApp(monolithApp);
