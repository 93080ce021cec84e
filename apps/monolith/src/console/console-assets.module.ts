import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Inject, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import express, { type Request, type Response, type NextFunction } from 'express';

export const CONSOLE_PATH = '/console';

/** The workspace root: the nearest folder above this file with a package.json (from apps/ and from dist/ alike). */
function workspaceRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** Where `npm run build` (tools/build.js, Vite) writes the console. */
export const CONSOLE_DIR = join(workspaceRoot(), 'dist', 'console');

/**
 * The console is a static page that talks to the admin API with the admin's bearer token; it needs
 * nothing else. It may load its own files only, runs no inline code, and is never framed.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function setHeaders(response: Response, path: string): void {
  // Vite names every asset after its content: it never changes under its name. index.html names them, so it is revalidated.
  const hashed = path.startsWith(join(CONSOLE_DIR, 'assets'));
  response.setHeader('Cache-Control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
  response.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
}

/** `/console` -> `/console/`, so that the page and its assets share one base. */
function addTrailingSlash(request: Request, response: Response, next: NextFunction): void {
  if (request.originalUrl.split('?')[0] === CONSOLE_PATH) response.redirect(301, `${CONSOLE_PATH}/`);
  else next();
}

/**
 * Serves the migration console's built files at /console/ (static, public: every figure and action
 * of the page goes through the admin API, which requires an admin's token). Unknown paths under it
 * fall through to the problem+json 404 like any other.
 */
@Module({})
export class ConsoleAssetsModule implements OnModuleInit {
  private readonly logger = new Logger('Console');

  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    // Mounted during init, after the API's routes and before the not-found handler.
    if (!existsSync(join(CONSOLE_DIR, 'index.html'))) {
      this.logger.warn(`The migration console is not built (no ${CONSOLE_DIR}): run npm run build`);
      return;
    }
    const files = express.static(CONSOLE_DIR, { index: 'index.html', redirect: false, fallthrough: true, setHeaders });
    this.adapterHost.httpAdapter.use(CONSOLE_PATH, express.Router().get('/', addTrailingSlash).use(files));
  }
}
