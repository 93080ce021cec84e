import { fileURLToPath } from 'node:url';
import { ALLOWED_DEPENDENCIES, findViolations, readProjects } from './walls.js';
import { depConstraints } from './dependency-rules.js';

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
      console: 'type:app',
      platform: 'type:platform',
      contracts: 'type:contracts',
      strangler: 'type:strangler',
      testing: 'type:testing',
      identity: 'type:context',
      catalog: 'type:context',
      ordering: 'type:context',
      payments: 'type:context',
    });
  });

  it('checks the same allowed dependencies as the lint rule', () => {
    for (const { sourceTag, onlyDependOnLibsWithTags } of depConstraints)
      expect(ALLOWED_DEPENDENCIES[sourceTag]).toBe(onlyDependOnLibsWithTags);
    expect(ALLOWED_DEPENDENCIES['type:context']).not.toContain('type:context');
    expect(ALLOWED_DEPENDENCIES['type:platform']).not.toContain('type:strangler');
  });

  describe('bites on a fixture that breaks every rule', () => {
    const violations = findViolations(brokenWorkspace);
    const found = violations.map(({ file, specifier, rule }) => `${rule} ${file} ${specifier}`).sort();

    it('reports exactly the broken imports, and nothing an app, a spec or a clean import does', () => {
      expect(found).toEqual(
        [
          'cross-context libs/alpha/src/index.ts ../../beta/src/secret',
          'cross-context libs/alpha/src/index.ts @fx/beta',
          'deep-import libs/alpha/src/index.ts ../../beta/src/secret',
          'deep-import libs/alpha/src/index.ts @fx/kernel/src/internal',
          'forbidden-dependency libs/kernel/src/index.ts @fx/beta',
          'testing-in-production libs/alpha/src/index.ts @fx/testkit',
          'layer libs/alpha/src/domain/order.ts @nestjs/common',
          'layer libs/alpha/src/domain/order.ts ../application/place-order',
          'layer libs/alpha/src/application/place-order.ts ../infrastructure/order-table',
          'cycle libs/kernel/src/a.ts ./b',
        ].sort(),
      );
    });

    it('says how to fix a cross-context import', () => {
      const crossContext = violations.find((violation) => violation.rule === 'cross-context');
      expect(crossContext?.message).toMatch(/talk through @shop\/contracts/);
    });

    it('names the whole circle of a cycle', () => {
      expect(violations.find((violation) => violation.rule === 'cycle')?.message).toBe(
        'import cycle: libs/kernel/src/a.ts -> libs/kernel/src/b.ts -> libs/kernel/src/a.ts',
      );
    });

    it('tells a layer breach from a framework in the domain', () => {
      const layers = violations.filter((violation) => violation.rule === 'layer').map((violation) => violation.message);
      expect(layers).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^the domain layer imports "@nestjs\/common"; it imports nothing but its own domain/),
          'the application layer imports the infrastructure layer; reach it through a port (application/ports) instead',
        ]),
      );
    });
  });
});
