// @ts-check
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { depConstraints, TEST_FILE_GLOBS, TESTING_LIBRARY, testOnlyCycles } from './tools/architecture/dependency-rules.js';

const deepImport = {
  regex: '^@shop/[^/]+/.+',
  message: 'Import another library only through its public entry point (@shop/<lib>), never its internals.',
};
const testingOutsideTests = {
  regex: `^${TESTING_LIBRARY}$`,
  message: `${TESTING_LIBRARY} is for specs and tools only; production code never imports it.`,
};

export default defineConfig(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/tmp/**', '**/.nx/**', '**/__fixtures__/**', '.data/**'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  { languageOptions: { globals: globals.node } },
  // The migration console runs in the browser.
  { files: ['apps/console/src/**'], languageOptions: { globals: globals.browser } },
  {
    // Type-aware rules that catch what swc (which strips types unchecked) and plain lint miss: a
    // promise nobody awaits, a promise where a value is expected, a switch that forgets a case.
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { allow: [], banTransitiveDependencies: true, depConstraints, ignoredCircularDependencies: testOnlyCycles },
      ],
      'no-restricted-imports': ['error', { patterns: [deepImport, testingOutsideTests] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Prettier wraps code at 140 columns but cannot break strings, template literals, regexes or comments.
      'max-len': ['error', { code: 140, ignoreUrls: true }],
    },
  },
  {
    files: TEST_FILE_GLOBS,
    rules: { 'no-restricted-imports': ['error', { patterns: [deepImport] }] },
  },
  {
    files: ['libs/*/src/application/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            deepImport,
            testingOutsideTests,
            {
              regex: '^\\.\\.?/(.*/)?(infrastructure|api)/',
              message: 'The application layer talks to infrastructure through its ports; it never imports infrastructure or api.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['libs/*/src/domain/**/*.ts'],
    ignores: TEST_FILE_GLOBS,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\./)',
              message:
                'The domain layer is plain TypeScript: it imports nothing but its own domain (no framework, no library, no other layer).',
            },
          ],
        },
      ],
    },
  },
);
