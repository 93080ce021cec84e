import { fileURLToPath } from 'node:url';
import { findViolations, readProjects } from './walls.js';

const workspace = fileURLToPath(new URL('../..', import.meta.url));
const brokenWorkspace = fileURLToPath(new URL('./__fixtures__/broken-workspace', import.meta.url));

describe('architecture: the walls between projects', () => {
  it('finds no violation in this workspace', () => {
    expect(findViolations(workspace)).toEqual([]);
  });

  it('knows every project of the workspace and its type', () => {
    const types = Object.fromEntries(readProjects(workspace).map((project) => [project.name, project.type]));
    expect(types).toEqual({
      monolith: 'type:app',
      'order-service': 'type:app',
      platform: 'type:platform',
      contracts: 'type:contracts',
      identity: 'type:context',
      catalog: 'type:context',
      ordering: 'type:context',
      payments: 'type:context',
    });
  });

  describe('bites on a fixture that breaks every rule', () => {
    const violations = findViolations(brokenWorkspace);
    const found = violations.map(({ file, specifier, rule }) => `${rule} ${file} ${specifier}`).sort();

    it('reports exactly the broken imports, and nothing an app or a clean import does', () => {
      expect(found).toEqual(
        [
          'cross-context libs/alpha/src/index.ts ../../beta/src/secret',
          'cross-context libs/alpha/src/index.ts @fx/beta',
          'deep-import libs/alpha/src/index.ts ../../beta/src/secret',
          'deep-import libs/alpha/src/index.ts @fx/kernel/src/internal',
          'forbidden-dependency libs/kernel/src/index.ts @fx/beta',
          'framework-in-domain libs/alpha/src/domain/order.ts @nestjs/common',
        ].sort(),
      );
    });

    it('says how to fix a cross-context import', () => {
      const crossContext = violations.find((violation) => violation.rule === 'cross-context');
      expect(crossContext?.message).toMatch(/talk through @shop\/contracts/);
    });
  });
});
