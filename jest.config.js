// Native ESM Jest: run with NODE_OPTIONS=--experimental-vm-modules (see package.json scripts).
import { swcOptions, tsconfigPaths } from './tools/swc-options.js';

// '@shop/platform' -> '<rootDir>/libs/platform/src/index.ts', from tsconfig paths (one source of truth).
const aliasMapper = Object.fromEntries(Object.entries(tsconfigPaths).map(([alias, [target]]) => [`^${alias}$`, `<rootDir>/${target}`]));

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { ...swcOptions, module: { type: 'es6' }, sourceMaps: 'inline', swcrc: false }],
  },
  moduleNameMapper: {
    ...aliasMapper,
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: [
    '<rootDir>/apps/**/*.spec.ts',
    '<rootDir>/libs/**/*.spec.ts',
    '<rootDir>/apps/**/*.e2e-spec.ts',
    '<rootDir>/tools/**/*.spec.ts',
  ],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/__fixtures__/'],
  setupFiles: ['reflect-metadata'],
  globalSetup: '<rootDir>/tools/jest-global-setup.js',
  // Integration suites talk to real servers on a shared 2-core machine; PGlite suites set their own, longer limits.
  testTimeout: 15_000,
  // Suites run in a worker (never in Jest's own process, which it does by default with one core to spare) that is
  // replaced once it holds more than this after a suite: every suite loads the whole app, native ESM keeps each
  // copy, and a heap grown by fifty suites slows the latency suites' in-process monolith by its collections.
  workerIdleMemoryLimit: '512MB',
};
