// @ts-check
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** The walls of docs/adr/0002: a context depends only on contracts and platform; platform and contracts on nothing business. */
export const depConstraints = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:app', 'type:context', 'type:contracts', 'type:platform'] },
  { sourceTag: 'type:context', onlyDependOnLibsWithTags: ['type:contracts', 'type:platform'] },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
  { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:platform', 'type:contracts'] },
];

export default defineConfig(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/tmp/**', '**/.nx/**', '**/__fixtures__/**', '.data/**'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  { languageOptions: { globals: globals.node } },
  {
    files: ['**/*.ts', '**/*.js'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': ['error', { allow: [], banTransitiveDependencies: true, depConstraints }],
      // A library is used through its index.ts (or a declared secondary entry such as @shop/platform/testing).
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^@shop/(?!platform/testing$)[^/]+/.+',
              message: 'Import another library only through its public entry point (@shop/<lib>), never its internals.',
            },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['libs/*/src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(@nestjs/|typeorm|pg$|amqplib|express|@shop/platform)', message: 'The domain layer is plain TypeScript: no framework or infrastructure.' }] },
      ],
    },
  },
);
