import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createProjectGraphAsync } from '@nx/devkit';
import { ESLint } from 'eslint';

const workspace = fileURLToPath(new URL('../..', import.meta.url));

const TYPE_AWARE_OFF = Object.fromEntries(
  ['no-floating-promises', 'no-misused-promises', 'await-thenable', 'switch-exhaustiveness-check'].map((rule) => [
    `@typescript-eslint/${rule}`,
    'off' as const,
  ]),
);

/** Lints a would-be file of the workspace without writing it, with the real eslint.config.js. */
async function lint(path: string, code: string): Promise<string[]> {
  // The would-be file exists on no disk, so the type-aware rules (which need it in a TypeScript
  // project) are off here; the rules under test are the import rules.
  const eslint = new ESLint({
    cwd: workspace,
    overrideConfig: { files: ['**/*.ts'], languageOptions: { parserOptions: { projectService: false } }, rules: TYPE_AWARE_OFF },
  });
  const [result] = await eslint.lintText(code, { filePath: `${workspace}${path}` });
  return result.messages.map((message) => `${message.ruleId}: ${message.message}`);
}

/** Lints a real file (type-aware rules need it inside a TypeScript project), written for the test and removed after. */
async function lintOnDisk(path: string, code: string): Promise<string[]> {
  writeFileSync(`${workspace}${path}`, code);
  try {
    const [result] = await new ESLint({ cwd: workspace }).lintFiles([`${workspace}${path}`]);
    return result.messages.map((message) => `${message.ruleId}: ${message.message}`);
  } finally {
    rmSync(`${workspace}${path}`, { force: true });
  }
}

/** Matches a message of Nx's boundary rule that starts with one of `starts` (plain text, matched literally). */
function boundaryMessage(...starts: string[]): RegExp {
  const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^@nx/enforce-module-boundaries: (${starts.map(literal).join('|')})`);
}

describe('lint: the walls bite in eslint too', () => {
  // The boundary rule reads Nx's project graph; build it as `nx lint` would on a fresh clone.
  beforeAll(() => createProjectGraphAsync({ exitOnError: false }), 60_000);

  it('fails a context importing another context', async () => {
    const messages = await lint('libs/catalog/src/breach.ts', "import { X } from '@shop/identity';\nexport const y = X;\n");
    expect(messages).toContainEqual(
      expect.stringMatching(
        boundaryMessage('A project tagged with "type:context" can only depend on libs tagged with "type:contracts", "type:platform"'),
      ),
    );
  });

  it('fails a deep import past a library index.ts', async () => {
    const messages = await lint(
      'libs/catalog/src/breach.ts',
      "import { X } from '@shop/platform/src/http/bootstrap.js';\nexport const y = X;\n",
    );
    expect(messages).toContainEqual(expect.stringMatching(/^no-restricted-imports: .*public entry point/));
  });

  it('fails a relative import into another library', async () => {
    const messages = await lint('libs/catalog/src/breach.ts', "import { X } from '../../identity/src/index.js';\nexport const y = X;\n");
    expect(messages).toContainEqual(
      expect.stringMatching(/^@nx\/enforce-module-boundaries: Projects cannot be imported by a relative or absolute path/),
    );
  });

  it('fails contracts depending on platform', async () => {
    const messages = await lint('libs/contracts/src/breach.ts', "import { X } from '@shop/platform';\nexport const y = X;\n");
    // Platform uses the contracts' envelope, so the rule may report the cycle before the tag rule.
    expect(messages).toContainEqual(
      expect.stringMatching(
        boundaryMessage(
          'A project tagged with "type:contracts" can only depend on',
          'Circular dependency between "contracts" and "platform"',
        ),
      ),
    );
  });

  it('fails a framework import in a domain layer', async () => {
    const messages = await lint(
      'libs/catalog/src/domain/breach.ts',
      "import { Injectable } from '@nestjs/common';\nexport const y = Injectable;\n",
    );
    expect(messages).toContainEqual(expect.stringMatching(/^no-restricted-imports: .*plain TypeScript/));
  });

  it('fails a library depending on a library that depends on it (a cycle between projects)', async () => {
    const messages = await lint('libs/platform/src/breach.ts', "import { X } from '@shop/strangler';\nexport const y = X;\n");
    expect(messages).toContainEqual(
      expect.stringMatching(
        boundaryMessage(
          'Circular dependency between "platform" and "strangler"',
          'A project tagged with "type:platform" can only depend on',
        ),
      ),
    );
  });

  it('fails production code importing the testing library, and lets a spec do it', async () => {
    const messages = await lint('libs/catalog/src/breach.ts', "import { sleep } from '@shop/testing';\nexport const y = sleep;\n");
    expect(messages).toContainEqual(expect.stringMatching(/^no-restricted-imports: .*for specs and tools only/));
    expect(await lint('libs/catalog/src/fine.spec.ts', "import { sleep } from '@shop/testing';\nexport const y = sleep;\n")).toEqual([]);
  });

  it('fails the application layer importing infrastructure', async () => {
    const messages = await lint(
      'libs/catalog/src/application/breach.ts',
      "import { X } from '../infrastructure/product.repository.js';\nexport const y = X;\n",
    );
    expect(messages).toContainEqual(
      expect.stringMatching(/^no-restricted-imports: .*The application layer talks to infrastructure through its ports/),
    );
  });

  it('fails the domain layer importing anything but its own domain', async () => {
    const messages = await lint('libs/catalog/src/domain/breach.ts', "import { Role } from '@shop/contracts';\nexport const y = Role;\n");
    expect(messages).toContainEqual(
      expect.stringMatching(/^no-restricted-imports: .*The domain layer is plain TypeScript: it imports nothing but its own domain/),
    );
  });

  it('passes a context importing contracts and platform', async () => {
    const messages = await lint('libs/catalog/src/fine.ts', "import { Public } from '@shop/platform';\nexport const y = Public;\n");
    expect(messages).toEqual([]);
  });

  it('fails a floating promise and a switch that forgets a case (type-aware rules)', async () => {
    const code = [
      "type Mode = 'a' | 'b';",
      'export async function go(): Promise<void> {}',
      'export function run(mode: Mode): number {',
      '  go();',
      '  switch (mode) {',
      "    case 'a':",
      '      return 1;',
      '  }',
      '  return 0;',
      '}',
      '',
    ].join('\n');
    const messages = await lintOnDisk(`tools/architecture/lint-probe-${process.pid}.ts`, code);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^@typescript-eslint\/no-floating-promises: /),
        expect.stringMatching(/^@typescript-eslint\/switch-exhaustiveness-check: /),
      ]),
    );
  }, 60_000);
});
