// @ts-check
// The walls, written once: eslint.config.js (@nx/enforce-module-boundaries) and the architecture
// test (tools/architecture/walls.ts) both read them from here.

/** Which project tags a project of each `type:` tag may import. */
export const depConstraints = [
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: ['type:app', 'type:context', 'type:strangler', 'type:contracts', 'type:platform', 'type:testing'],
  },
  { sourceTag: 'type:context', onlyDependOnLibsWithTags: ['type:contracts', 'type:platform', 'type:strangler', 'type:testing'] },
  { sourceTag: 'type:strangler', onlyDependOnLibsWithTags: ['type:platform', 'type:contracts', 'type:testing'] },
  { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:platform', 'type:contracts', 'type:testing'] },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:platform', 'type:contracts', 'type:strangler'] },
];

/** The testing library, which only specs and tools may import (production code never does). */
export const TESTING_LIBRARY = '@shop/testing';

/** Files that may import the testing library: specs, e2e suites and their support, and tools. */
export const TEST_FILE_GLOBS = ['**/*.spec.ts', '**/*.e2e-spec.ts', 'apps/*/test/**', 'tools/**'];

/**
 * The specs of the libraries the testing library helps to build use it: that is a cycle between
 * projects only through test files, declared here rather than hidden.
 */
export const testOnlyCycles = [
  ['platform', 'testing'],
  ['strangler', 'testing'],
];
