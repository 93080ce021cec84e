// Compiles apps/, libs/ and the TypeScript tools (bench, docs and the walls the docs read) to dist/ with swc
// (about a second); tests and fixtures are left out, and a plain .js source the tools import goes through swc too.
// Then bundles the migration console (apps/console, a browser app) with Vite into dist/console, which the monolith serves.
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { transformFile } from '@swc/core';
import { build as bundle } from 'vite';
import { buildOptions } from './swc-options.js';

const root = new URL('..', import.meta.url).pathname;
const outDir = join(root, 'dist');
const skipped = /(\.spec\.ts|\.e2e-spec\.ts|\.d\.ts)$|\/(test|__fixtures__)\/|\/apps\/console\//;

const sources = (dir) =>
  readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.[tj]s$/.test(path) && !skipped.test(path) ? [path] : [];
  });

rmSync(outDir, { recursive: true, force: true });
const files = ['apps', 'libs', 'tools/bench', 'tools/docs', 'tools/architecture'].flatMap((folder) => sources(join(root, folder)));
await Promise.all(
  files.map(async (file) => {
    const target = join(outDir, relative(root, file)).replace(/\.ts$/, '.js');
    const { code, map } = await transformFile(file, { ...buildOptions, filename: file, outputPath: target, swcrc: false });
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, `${code}\n//# sourceMappingURL=${target.split('/').pop()}.map\n`);
    if (map) writeFileSync(`${target}.map`, map);
  }),
);
console.log(`built ${files.length} files into dist/`);
await bundle({ configFile: join(root, 'apps/console/vite.config.ts') });
console.log(`built the migration console into dist/console/`);
