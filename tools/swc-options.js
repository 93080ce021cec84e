// The one swc configuration: used by the build (tools/build.js) and by Jest (jest.config.js).
import { readFileSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const { compilerOptions } = JSON.parse(readFileSync(new URL('../tsconfig.base.json', import.meta.url), 'utf8'));

/** `@shop/*` aliases, straight from tsconfig.base.json. */
export const tsconfigPaths = compilerOptions.paths;

/** Decorators with metadata, as NestJS dependency injection needs them. */
export const swcOptions = {
  jsc: {
    target: 'es2023',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    keepClassNames: true,
  },
  sourceMaps: true,
};

/** For the build: ESM output with the aliases rewritten to relative paths. */
export const buildOptions = {
  ...swcOptions,
  module: { type: 'nodenext', resolveFully: true },
  jsc: { ...swcOptions.jsc, baseUrl: root, paths: tsconfigPaths },
};
