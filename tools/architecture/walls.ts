import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** Which project tags a project of each `type:` tag may import. Mirrors eslint.config.js depConstraints. */
export const ALLOWED_DEPENDENCIES: Record<string, string[]> = {
  'type:app': ['type:app', 'type:context', 'type:contracts', 'type:platform'],
  'type:context': ['type:contracts', 'type:platform'],
  'type:contracts': ['type:contracts'],
  'type:platform': ['type:platform', 'type:contracts'],
};

/** Packages the domain layer of a context must not touch: it is plain TypeScript. */
const FRAMEWORK_IMPORT = /^(@nestjs\/|typeorm$|typeorm\/|pg$|amqplib$|express$|@shop\/platform)/;

export interface Project {
  name: string;
  root: string;
  type: string;
}

export interface Violation {
  file: string;
  specifier: string;
  rule: 'cross-context' | 'forbidden-dependency' | 'deep-import' | 'framework-in-domain';
  message: string;
}

/** Reads every project.json below apps/ and libs/ of a workspace. */
export function readProjects(workspace: string): Project[] {
  return ['apps', 'libs']
    .flatMap((folder) => listDirectories(join(workspace, folder)))
    .filter((dir) => existsSync(join(dir, 'project.json')))
    .map((dir) => {
      const project = JSON.parse(readFileSync(join(dir, 'project.json'), 'utf8')) as { name: string; tags?: string[] };
      const type = project.tags?.find((tag) => tag.startsWith('type:'));
      if (!type) throw new Error(`${relative(workspace, dir)}/project.json has no type: tag`);
      return { name: project.name, root: dir, type };
    });
}

/** Scans every TypeScript import in the workspace's projects and reports each wall it breaks. */
export function findViolations(workspace: string): Violation[] {
  const projects = readProjects(workspace);
  const aliases = readAliases(workspace);
  return projects.flatMap((project) =>
    listTypeScriptFiles(project.root).flatMap((file) =>
      importsOf(file).flatMap((specifier) => checkImport({ workspace, projects, aliases, project, file, specifier })),
    ),
  );
}

interface ImportSite {
  workspace: string;
  projects: Project[];
  aliases: Map<string, string>;
  project: Project;
  file: string;
  specifier: string;
}

function checkImport(site: ImportSite): Violation[] {
  const { workspace, project, file, specifier } = site;
  const at = relative(workspace, file);
  const violations: Violation[] = [];

  if (project.type === 'type:context' && file.includes(`${sep}domain${sep}`) && FRAMEWORK_IMPORT.test(specifier)) {
    violations.push({ file: at, specifier, rule: 'framework-in-domain', message: `the domain layer imports "${specifier}"; keep it free of frameworks and infrastructure` });
  }

  const target = resolveTarget(site);
  if (!target || target.project === project) return violations;

  if (target.deep) {
    violations.push({ file: at, specifier, rule: 'deep-import', message: `imports past the public API of ${target.project.name}; import from its index.ts (the @shop alias) instead` });
  }
  if (!ALLOWED_DEPENDENCIES[project.type]?.includes(target.project.type)) {
    const crossContext = project.type === 'type:context' && target.project.type === 'type:context';
    violations.push({
      file: at,
      specifier,
      rule: crossContext ? 'cross-context' : 'forbidden-dependency',
      message: crossContext
        ? `context ${project.name} imports context ${target.project.name}; talk through @shop/contracts (an event, a command or a read model) instead`
        : `${project.type} ${project.name} may not depend on ${target.project.type} ${target.project.name}`,
    });
  }
  return violations;
}

function resolveTarget({ projects, aliases, file, specifier }: ImportSite): { project: Project; deep: boolean } | undefined {
  const aliased = aliases.get(specifier);
  if (aliased) return { project: owner(projects, aliased)!, deep: false };
  const aliasPrefix = [...aliases.keys()].find((alias) => specifier.startsWith(`${alias}/`));
  if (aliasPrefix) {
    const project = owner(projects, aliases.get(aliasPrefix)!);
    return project ? { project, deep: true } : undefined;
  }
  if (specifier.startsWith('.')) {
    const project = owner(projects, resolve(dirname(file), specifier));
    return project ? { project, deep: true } : undefined;
  }
  return undefined;
}

function owner(projects: Project[], path: string): Project | undefined {
  return projects.find((project) => path === project.root || path.startsWith(project.root + sep));
}

function readAliases(workspace: string): Map<string, string> {
  const config = ts.readConfigFile(join(workspace, 'tsconfig.base.json'), ts.sys.readFile).config as {
    compilerOptions: { paths: Record<string, string[]> };
  };
  return new Map(Object.entries(config.compilerOptions.paths).map(([alias, [target]]) => [alias, resolve(workspace, target)]));
}

function importsOf(file: string): string[] {
  return ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((imported) => imported.fileName);
}

function listTypeScriptFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === 'node_modules' || entry === '__fixtures__' ? [] : listTypeScriptFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function listDirectories(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((entry) => join(dir, entry))
    .filter((path) => statSync(path).isDirectory());
}
