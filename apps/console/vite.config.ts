import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The migration console: built into dist/console, served by the monolith at /console/. */
export default defineConfig({
  root,
  base: '/console/',
  logLevel: 'warn',
  // The generated context map, built into the page (it changes only with the code).
  define: { CONTEXT_MAP: JSON.stringify(readFileSync(new URL('../../docs/contexts.md', import.meta.url), 'utf8')) },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // One small bundle; nothing inline, so the console's Content-Security-Policy needs no 'unsafe-inline'.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});
