import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { runHttpApp } from '@shop/platform';
import { CONSOLE_PATH } from './console/console-assets.module.js';
import { monolithApp } from './monolith.app.js';

const app = await runHttpApp(monolithApp);
const { port } = app.getHttpServer().address() as AddressInfo;
new Logger('Console').log(`Migration console: http://localhost:${port}${CONSOLE_PATH}/ (sign in as an admin)`);
